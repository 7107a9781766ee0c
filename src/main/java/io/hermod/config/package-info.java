/**
 * Configuration: reads conf/hermod.yaml (or the file given with --config), lays HERMOD_*
 * environment variables over it, fills every key it does not set from one table of defaults and
 * bounds ({@code Keys}), and hands the rest of Hermod one immutable {@link io.hermod.config.HermodConfig}
 * of typed records ({@code Duration}, {@link io.hermod.config.HostAndPort}, {@link io.hermod.config.Cidr}).
 * It promises that a config it returns is whole and valid: an unknown key, an unknown HERMOD_
 * variable, a value of the wrong type or out of bounds, stops start-up with one
 * {@link io.hermod.config.ConfigException} line that names the key, such as
 * {@code smtp.max_recipients: must be between 1 and 100000, got 0}, or inside a structured value
 * the place in it, such as {@code dkim.domains.example.com[0].key: cannot read /k.pem: no such file}.
 * Nothing is clamped and
 * nothing falls back to a default behind the operator's back.
 */
package io.hermod.config;
