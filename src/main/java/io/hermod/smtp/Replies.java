package io.hermod.smtp;

/**
 * The replies Hermod sends, in one place. Wire text is short and generic; detail belongs in the
 * event log, not in what a remote client sees.
 */
public final class Replies {

    private Replies() {
    }

    public static final Reply OK = Reply.of(250, "2.0.0", "Ok");
    public static final Reply SENDER_OK = Reply.of(250, "2.1.0", "Ok");
    public static final Reply RECIPIENT_OK = Reply.of(250, "2.1.5", "Ok");
    public static final Reply RESET_OK = Reply.of(250, "2.0.0", "Ok");
    public static final Reply NOOP_OK = Reply.of(250, "2.0.0", "Ok");
    public static final Reply START_DATA = Reply.of(354, "2.0.0", "End data with <CR><LF>.<CR><LF>");
    public static final Reply BYE = Reply.of(221, "2.0.0", "Bye");
    public static final Reply HELP = Reply.of(214, "2.0.0",
            "Commands: HELO EHLO MAIL RCPT DATA RSET NOOP QUIT HELP VRFY");
    public static final Reply VRFY_CANNOT = Reply.of(252, "2.5.0",
            "Cannot VRFY user, but will accept message and attempt delivery");

    public static final Reply SYNTAX_UNRECOGNIZED = Reply.of(500, "5.5.2", "Error: command not recognized");
    public static final Reply LINE_TOO_LONG = Reply.of(500, "5.5.2", "Error: line too long");
    public static final Reply SYNTAX_ARGUMENTS = Reply.of(501, "5.5.4", "Error: syntax error in parameters or arguments");
    public static final Reply HELO_REQUIRES_DOMAIN = Reply.of(501, "5.5.4", "Error: domain name required");
    public static final Reply BAD_SENDER_SYNTAX = Reply.of(501, "5.1.7", "Error: bad sender address syntax");
    public static final Reply BAD_RECIPIENT_SYNTAX = Reply.of(501, "5.1.3", "Error: bad recipient address syntax");
    public static final Reply NOT_IMPLEMENTED = Reply.of(502, "5.5.1", "Error: command not implemented");
    public static final Reply EXPN_DISABLED = Reply.of(502, "5.5.1", "Error: EXPN not available");
    public static final Reply NEED_HELO = Reply.of(503, "5.5.1", "Error: send HELO/EHLO first");
    public static final Reply NESTED_MAIL = Reply.of(503, "5.5.1", "Error: nested MAIL command");
    public static final Reply NEED_MAIL = Reply.of(503, "5.5.1", "Error: need MAIL command");
    public static final Reply NEED_RCPT = Reply.of(503, "5.5.1", "Error: need RCPT command");
    public static final Reply NO_VALID_RECIPIENTS = Reply.of(554, "5.5.1", "Error: no valid recipients");
    public static final Reply UNKNOWN_PARAMETER = Reply.of(555, "5.5.4", "Error: unsupported MAIL/RCPT parameter");
    public static final Reply NEEDS_SMTPUTF8 = Reply.of(553, "5.6.7", "Error: non-ASCII address requires SMTPUTF8");

    public static final Reply SIZE_EXCEEDED = Reply.of(552, "5.3.4", "Error: message size exceeds fixed limit");
    public static final Reply LINE_LIMIT_EXCEEDED = Reply.of(550, "5.6.0",
            "Error: message has a line longer than 998 characters");
    public static final Reply TOO_MANY_RECIPIENTS = Reply.of(452, "4.5.3", "Error: too many recipients");
    public static final Reply RELAY_DENIED = Reply.of(554, "5.7.1", "Error: relay access denied");
    public static final Reply SPOOL_FAILED = Reply.of(451, "4.3.0", "Error: queue file write error, try again later");

    public static final Reply IDLE_TIMEOUT = Reply.of(421, "4.4.2", "Error: timeout exceeded, closing connection");
    public static final Reply TOO_MANY_ERRORS = Reply.of(421, "4.7.0", "Error: too many errors, closing connection");
    public static final Reply TOO_MANY_CONNECTIONS = Reply.of(421, "4.7.0", "Error: too many connections, try again later");
    public static final Reply SHUTTING_DOWN = Reply.of(421, "4.3.2", "Error: service shutting down, closing connection");
}
