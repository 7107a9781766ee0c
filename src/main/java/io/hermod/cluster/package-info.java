/**
 * Limits shared by every Hermod pod through Redis ({@code cluster.redis}): message and connection
 * rates as GCRA throttles (one Lua script per check, tokens fetched a few at a time), connection
 * limits as leases with expiry (a sorted set per site × source), suspensions and automation
 * actions seen by all pods within a second, and the membership that sizes the local share each
 * pod falls back to while Redis cannot be reached.
 */
package io.hermod.cluster;
