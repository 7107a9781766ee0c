package io.hermod;

import static org.assertj.core.api.Assertions.assertThat;

import io.hermod.support.HermodProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A bad configuration stops {@code java -jar hermod.jar} before anything listens: exit code 2 and
 * exactly one line on stderr naming the key.
 */
class ConfigErrorsIT {

    @TempDir
    Path dir;

    @org.junit.jupiter.api.Test
    void badShapingFile_exits2_withOneLineNamingTheFileAndTheKey() throws Exception {
        Path shaping = dir.resolve("shaping.yaml");
        Files.writeString(shaping, "providers:\n  gmail:\n    connection_limit: 0\n");
        Path config = dir.resolve("hermod.yaml");
        Files.writeString(config, "shaping: {path: \"" + shaping + "\"}\nspool: {path: \"" + dir.resolve("spool") + "\"}\n");
        HermodProcess hermod = HermodProcess.start(config, Map.of());
        assertThat(hermod.waitForExit(60)).as(hermod.output()).isEqualTo(2);
        assertThat(hermod.stderr()).containsExactly("shaping.path: " + shaping
                + ": providers.gmail.connection_limit: must be between 1 and 100000, got 0");
        assertThat(dir.resolve("spool")).doesNotExist();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            max_recipients 0        | 'smtp: {max_recipients: 0}'              | ''                               | smtp.max_recipients: must be between 1 and 100000, got 0
            unknown key             | 'smtp: {max_recipientz: 5}'              | ''                               | smtp.max_recipientz: unknown key
            bad duration            | 'smtp: {idle_timeout: soon}'             | ''                               | 'smtp.idle_timeout: not a duration: "soon"'
            bad listen address      | 'smtp: {listen: "127.0.0.1:99999"}'      | ''                               | smtp.listen
            env override            | ''                                       | HERMOD_SMTP_MAX_RECIPIENTS=0     | smtp.max_recipients (from HERMOD_SMTP_MAX_RECIPIENTS): must be between 1 and 100000, got 0
            unknown env variable    | ''                                       | HERMOD_SMTP_LISTN=127.0.0.1:25   | HERMOD_SMTP_LISTN: unknown configuration variable
            return path, no secret  | 'inbound: {domains: [b.example.com]}'    | HERMOD_DELIVERY_RETURN_PATH=b.example.com | delivery.return_path (from HERMOD_DELIVERY_RETURN_PATH): needs feedback.secret (it authenticates the bounces that come back)
            """)
    void badConfiguration_exits2_withOneLineNamingTheKey(String name, String yaml, String env, String expected)
            throws Exception {
        Path config = dir.resolve("hermod.yaml");
        Files.writeString(config, yaml + "\nspool: {path: \"" + dir.resolve("spool") + "\"}\n");
        Map<String, String> environment = env.isEmpty() ? Map.of() : Map.of(env.split("=")[0], env.split("=", 2)[1]);
        HermodProcess hermod = HermodProcess.start(config, environment);
        assertThat(hermod.waitForExit(60)).as(hermod.output()).isEqualTo(2);
        assertThat(hermod.stderr()).hasSize(1);
        assertThat(hermod.stderr().get(0)).startsWith(expected);
        assertThat(hermod.stdout()).isEmpty();
        assertThat(dir.resolve("spool")).doesNotExist();
    }

    @org.junit.jupiter.api.Test
    void badBounceRules_exits2_withOneLineNamingTheSettingAndTheLine() throws Exception {
        Path rules = dir.resolve("bounce.rules");
        Files.writeString(rules, "# ours\nspam code=550 text=blocked\n");
        Path config = dir.resolve("hermod.yaml");
        Files.writeString(config, "bounce: {rules: \"" + rules + "\"}\nspool: {path: \"" + dir.resolve("spool") + "\"}\n");
        HermodProcess hermod = HermodProcess.start(config, Map.of());
        assertThat(hermod.waitForExit(60)).as(hermod.output()).isEqualTo(2);
        assertThat(hermod.stderr()).containsExactly("bounce.rules: line 2: unknown category \"spam\"");
        assertThat(dir.resolve("spool")).doesNotExist();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            missing file   | --config;/nonexistent/hermod.yaml | config: cannot read /nonexistent/hermod.yaml
            no file name   | --config                          | --config: needs a file name
            unknown flag   | --frobnicate                      | '--frobnicate: unknown argument'
            """)
    void badCommandLine_exits2(String name, String args, String expected) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", HermodProcess.jar().toString());
        builder.command().addAll(java.util.List.of(args.split(";")));
        builder.environment().keySet().removeIf(k -> k.startsWith("HERMOD_"));
        Process process = builder.start();
        String stderr = new String(process.getErrorStream().readAllBytes());
        assertThat(process.waitFor()).isEqualTo(2);
        assertThat(stderr.lines().toList()).hasSize(1);
        assertThat(stderr).startsWith(expected);
    }
}
