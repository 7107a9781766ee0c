package io.hermod.cli;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code hermod queue list|show ID|suspend D|resume D|flush D|delete ID|bounce --domain D}: the
 * queue administration of the HTTP API ({@code /api/v1/queues}, {@code /api/v1/messages}), as
 * Postfix's postqueue and postsuper. Tables for people, {@code --json} for scripts.
 */
@Command(name = "queue", description = "Look at and act on the queue through the HTTP API.")
final class QueueCommand implements Callable<Integer> {

    @Override
    public Integer call() {
        throw new Cli.CommandFailure(Cli.USAGE,
                "queue: needs a command: list, show ID, suspend D, resume D, flush D, delete ID, bounce --domain D");
    }

    /** Shared by the subcommands: where the API is, and how to print. */
    abstract static class ApiCommand implements Callable<Integer> {
        final Cli.Io io;

        @Mixin
        ApiClient.Options api = new ApiClient.Options();

        @Option(names = "--json", description = "print the API's JSON answer")
        boolean json;

        ApiCommand(Cli.Io io) {
            this.io = io;
        }

        ApiClient client() {
            return new ApiClient(api, io);
        }

        /** Prints the answer as JSON with --json, else as {@code human} says. */
        Integer print(JsonObject answer, String human) {
            io.out().println(json ? answer.encodePrettily() : human);
            return 0;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "Queued mail per domain, and totals.")
    static final class ListQueues extends ApiCommand {
        ListQueues(Cli.Io io) {
            super(io);
        }

        @Override
        public Integer call() {
            JsonObject answer = client().get("/api/v1/queues");
            if (json) {
                return print(answer, null);
            }
            Table table = new Table("DOMAIN", "READY", "SCHEDULED", "IN-FLIGHT", "SUSPENDED", "OLDEST");
            JsonArray domains = answer.getJsonArray("domains", new JsonArray());
            for (int i = 0; i < domains.size(); i++) {
                JsonObject d = domains.getJsonObject(i);
                table.row(d.getString("domain"), d.getValue("ready"), d.getValue("scheduled"), d.getValue("in_flight"),
                        Boolean.TRUE.equals(d.getBoolean("suspended")) ? "yes" : "no",
                        Table.age(d.getLong("oldest_age_seconds", 0L)));
            }
            JsonObject t = answer.getJsonObject("totals", new JsonObject());
            table.print(io.out());
            io.out().println("total: " + t.getValue("messages") + " messages; " + t.getValue("ready") + " ready, "
                    + t.getValue("scheduled") + " scheduled, " + t.getValue("in_flight") + " in flight");
            if (Boolean.FALSE.equals(answer.getBoolean("recovered"))) {
                io.out().println("recovering: the spool is still being counted after the restart, so these counts"
                        + " are not complete yet");
            }
            return 0;
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true, description = "A queued message and its recipients.")
    static final class Show extends ApiCommand {
        @Parameters(paramLabel = "ID", description = "message id (16 hex digits)")
        String id;

        Show(Cli.Io io) {
            super(io);
        }

        @Override
        public Integer call() {
            JsonObject m = client().get("/api/v1/messages/" + encode(id));
            if (json) {
                return print(m, null);
            }
            io.out().println("id:       " + m.getString("id"));
            io.out().println("sender:   <" + m.getString("sender") + ">");
            io.out().println("arrival:  " + m.getString("arrival"));
            io.out().println("size:     " + m.getValue("size"));
            io.out().println("client:   " + m.getString("client_name") + " [" + m.getString("client_address") + "]");
            Table table = new Table("RECIPIENT", "STATE", "ATTEMPTS", "NEXT ATTEMPT", "LAST RESULT");
            JsonArray recipients = m.getJsonArray("recipients", new JsonArray());
            for (int i = 0; i < recipients.size(); i++) {
                JsonObject r = recipients.getJsonObject(i);
                table.row(r.getString("address"), r.getString("state"), r.getValue("attempts"),
                        r.getString("next_attempt", "-"), r.getString("last_result", "-"));
            }
            table.print(io.out());
            return 0;
        }
    }

    /** suspend, resume, flush and bounce: one POST on a domain's queue. */
    abstract static class DomainAction extends ApiCommand {
        private final String action;

        DomainAction(Cli.Io io, String action) {
            super(io);
            this.action = action;
        }

        abstract String domain();

        abstract String done(JsonObject answer);

        @Override
        public Integer call() {
            JsonObject answer = client().post("/api/v1/queues/" + encode(domain()) + "/" + action);
            return print(answer, done(answer));
        }
    }

    @Command(name = "suspend", mixinStandardHelpOptions = true, description = "Hold a domain's mail.")
    static final class Suspend extends DomainAction {
        @Parameters(paramLabel = "DOMAIN")
        String domain;

        Suspend(Cli.Io io) {
            super(io, "suspend");
        }

        @Override
        String domain() {
            return domain;
        }

        @Override
        String done(JsonObject answer) {
            return "suspended " + answer.getString("domain");
        }
    }

    @Command(name = "resume", mixinStandardHelpOptions = true, description = "Release a suspended domain.")
    static final class Resume extends DomainAction {
        @Parameters(paramLabel = "DOMAIN")
        String domain;

        Resume(Cli.Io io) {
            super(io, "resume");
        }

        @Override
        String domain() {
            return domain;
        }

        @Override
        String done(JsonObject answer) {
            return "resumed " + answer.getString("domain");
        }
    }

    @Command(name = "flush", mixinStandardHelpOptions = true, description = "Retry a domain's deferred mail now.")
    static final class Flush extends DomainAction {
        @Parameters(paramLabel = "DOMAIN")
        String domain;

        Flush(Cli.Io io) {
            super(io, "flush");
        }

        @Override
        String domain() {
            return domain;
        }

        @Override
        String done(JsonObject answer) {
            return "flushed " + answer.getValue("flushed") + " deliveries of " + answer.getString("domain");
        }
    }

    @Command(name = "bounce", mixinStandardHelpOptions = true,
            description = "Bounce every waiting delivery of a domain (DSNs to the senders).")
    static final class Bounce extends DomainAction {
        @Option(names = "--domain", required = true, paramLabel = "DOMAIN")
        String domain;

        Bounce(Cli.Io io) {
            super(io, "bounce");
        }

        @Override
        String domain() {
            return domain;
        }

        @Override
        String done(JsonObject answer) {
            return "bounced " + answer.getValue("bounced") + " deliveries of " + answer.getString("domain");
        }
    }

    @Command(name = "delete", mixinStandardHelpOptions = true, description = "Remove a queued message (no DSN).")
    static final class Delete extends ApiCommand {
        @Parameters(paramLabel = "ID", description = "message id (16 hex digits)")
        String id;

        Delete(Cli.Io io) {
            super(io);
        }

        @Override
        public Integer call() {
            JsonObject answer = client().delete("/api/v1/messages/" + encode(id));
            return print(answer, "deleted " + answer.getString("id"));
        }
    }

    static String encode(String segment) {
        return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
