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
    public static final Reply ADDRESS_LITERAL_UNSUPPORTED = Reply.of(553, "5.1.3", "Error: address literal not supported");

    public static final Reply SIZE_EXCEEDED = Reply.of(552, "5.3.4", "Error: message size exceeds fixed limit");
    public static final Reply LINE_LIMIT_EXCEEDED = Reply.of(550, "5.6.0",
            "Error: message has a line longer than 998 characters");
    public static final Reply NUL_IN_CONTENT = Reply.of(550, "5.6.0", "Error: message contains a NUL character");
    public static final Reply TOO_MANY_HOPS = Reply.of(554, "5.4.6", "Error: too many hops, mail loop suspected");
    public static final Reply TOO_MANY_RECIPIENTS = Reply.of(452, "4.5.3", "Error: too many recipients");
    /** A recipient on the suppression list; the reason is a bounce category or "manual". */
    public static Reply suppressed(String address, String reason) {
        return Reply.of(550, "5.7.1", "<" + address + ">: recipient suppressed (" + reason + ")");
    }

    public static final Reply RELAY_DENIED = Reply.of(554, "5.7.1", "Error: relay access denied");
    /** The suppression list could not be read (a spool read error): the recipient may be tried again. */
    public static final Reply SUPPRESSION_UNREADABLE =
            Reply.of(451, "4.3.0", "Error: cannot check the recipient now, try again later");
    public static final Reply SPOOL_FAILED = Reply.of(451, "4.3.0", "Error: queue file write error, try again later");
    /** The memory for mail in progress stayed full while the message came in (RFC 3463 4.3.1). */
    public static final Reply INSUFFICIENT_RESOURCES =
            Reply.of(451, "4.3.1", "Error: insufficient system resources, try again later");

    // STARTTLS (RFC 3207) and AUTH (RFC 4954, enhanced codes from RFC 5248 / RFC 7504 usage)
    public static final Reply STARTTLS_READY = Reply.of(220, "2.0.0", "Ready to start TLS");
    public static final Reply TLS_ALREADY_ACTIVE = Reply.of(503, "5.5.1", "Error: TLS already active");
    public static final Reply TRANSACTION_IN_PROGRESS = Reply.of(503, "5.5.1", "Error: MAIL transaction in progress");
    public static final Reply AUTH_OK = Reply.of(235, "2.7.0", "Authentication successful");
    public static final Reply AUTH_FAILED = Reply.of(535, "5.7.8", "Error: authentication failed");
    public static final Reply AUTH_BUSY = Reply.of(454, "4.7.0", "Error: temporary authentication failure, try again later");
    public static final Reply AUTH_NEEDS_TLS = Reply.of(538, "5.7.11",
            "Error: encryption required for requested authentication mechanism");
    public static final Reply AUTH_REQUIRED = Reply.of(530, "5.7.0", "Error: authentication required");
    public static final Reply AUTH_ALREADY = Reply.of(503, "5.5.1", "Error: already authenticated");
    public static final Reply AUTH_CANCELLED = Reply.of(501, "5.0.0", "Error: authentication cancelled");
    public static final Reply AUTH_BAD_BASE64 = Reply.of(501, "5.5.2", "Error: invalid base64 data");
    public static final Reply AUTH_MALFORMED = Reply.of(501, "5.5.2", "Error: malformed authentication data");
    public static final Reply AUTH_UNKNOWN_MECHANISM = Reply.of(504, "5.5.4", "Error: unsupported authentication mechanism");
    public static final Reply SENDER_NOT_OWNED = Reply.of(553, "5.7.1", "Error: sender address not owned by user");
    public static final Reply TOO_MANY_AUTH_FAILURES = Reply.of(421, "4.7.0",
            "Error: too many authentication failures, closing connection");

    public static final Reply IDLE_TIMEOUT = Reply.of(421, "4.4.2", "Error: timeout exceeded, closing connection");
    public static final Reply TOO_MANY_ERRORS = Reply.of(421, "4.7.0", "Error: too many errors, closing connection");
    public static final Reply TOO_MANY_CONNECTIONS = Reply.of(421, "4.7.0", "Error: too many connections, try again later");
    public static final Reply SHUTTING_DOWN = Reply.of(421, "4.3.2", "Error: service shutting down, closing connection");
}
