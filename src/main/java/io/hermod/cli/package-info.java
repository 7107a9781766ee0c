/**
 * The {@code hermod} command line (picocli), one jar for everything: {@code serve} (the default,
 * so {@code java -jar hermod.jar [--config FILE]} runs the server as it always has), {@code config
 * check}, {@code queue} and {@code top} (clients of the HTTP API), {@code bench} and {@code sink}
 * (a load generator and a counting next hop), {@code passwd} and {@code dkim keygen}.
 *
 * <p>Exit codes, for every command: 0 done; 2 a bad command line or configuration (one line on
 * standard error naming the option or key); 1 anything else (the API refused or could not be
 * reached, the server could not start). Commands never print a stack trace for bad input.
 */
package io.hermod.cli;
