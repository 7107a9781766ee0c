package io.hermod;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.hermod.config.Cidr;
import io.hermod.config.ConfigException;
import io.hermod.config.ConfigLoader;
import io.hermod.config.HermodConfig;
import io.hermod.config.HostAndPort;
import io.hermod.k8s.ConfigFiles;
import io.hermod.k8s.DockerfileFacts;
import io.hermod.k8s.K8sObject;
import io.hermod.k8s.Kubectl;
import io.hermod.k8s.Manifests;
import io.hermod.k8s.PodTemplate;
import io.hermod.k8s.SecretCommands;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Kubernetes manifests (k8s/) and the Dockerfile agree with the code: ports with the
 * ConfigMap's hermod.yaml, probe and scrape paths with HttpApi's routes, the grace period with
 * shutdown.grace, the image's HERMOD_* variables with the configuration keys, the files the
 * configuration names with the Secrets mounted there and the README's commands that create them;
 * the configuration is safe on an exposed Service (port 25 relays for no real network until the
 * operator names one, 587 needs AUTH); and the kustomization renders (with kubectl when it is
 * installed, else by checking its resources).
 */
class ManifestsTest {

    private static final Path K8S = Path.of("k8s");
    private static final Path HTTP_API = Path.of("src/main/java/io/hermod/api/HttpApi.java");
    private static final Path DASHBOARD = Path.of("grafana/dashboards/hermod.json");
    private static final Path README = Path.of("README.md");
    private static final String CONFIG_MAP = "hermod-config";
    private static final String CONFIG_KEY = "hermod.yaml";
    private static final String SPOOL_VOLUME = "spool";

    private static Manifests manifests;
    private static DockerfileFacts dockerfile;
    private static K8sObject statefulSet;
    private static PodTemplate pod;
    /** The ConfigMap's hermod.yaml as written. */
    private static String configText;
    /** The same, naming its files (tls.cert, tls.key, auth.users) below podFiles, where they exist. */
    private static String rootedText;
    private static HermodConfig config;

    /** Stands for the pod's root: the files the configuration names are created below it. */
    @TempDir
    static Path podFiles;

    @BeforeAll
    static void load() {
        manifests = Manifests.load(K8S);
        dockerfile = DockerfileFacts.read(Path.of("Dockerfile"));
        statefulSet = manifests.one("StatefulSet", "hermod");
        pod = new PodTemplate(statefulSet);
        configText = manifests.one("ConfigMap", CONFIG_MAP).string("data", CONFIG_KEY);
        // Hermod's own validation, as at start-up, given readable files where the config says.
        rootedText = ConfigFiles.rootedAt(configText, podFiles);
        config = ConfigLoader.parse(rootedText, Map.of());
    }

    // --- what is there ---------------------------------------------------------------------

    @Test
    void everyYamlFile_parsesAndHoldsKubernetesObjects() {
        assertThat(manifests.files()).as("YAML files under k8s/").hasSizeGreaterThanOrEqualTo(9);
        for (K8sObject o : manifests.all()) {
            assertThat(o.tree().get("apiVersion")).as("apiVersion of %s", o).isInstanceOf(String.class);
            assertThat(o.tree().get("kind")).as("kind in %s", o.file()).isInstanceOf(String.class);
            if (!o.kind().equals("Kustomization")) {
                assertThat(o.name()).as("metadata.name of %s", o).isNotEqualTo("null");
            }
        }
    }

    @Test
    void everyKindTheIssueAsksFor_isPresent() {
        assertThat(manifests.one("Namespace").name()).isEqualTo("hermod");
        assertThat(manifests.one("Kustomization").string("namespace")).isEqualTo("hermod");
        assertThat(manifests.one("HorizontalPodAutoscaler").apiVersion()).isEqualTo("autoscaling/v2");
        assertThat(manifests.one("ServiceMonitor").apiVersion()).isEqualTo("monitoring.coreos.com/v1");
        assertThat(manifests.one("PodDisruptionBudget").apiVersion()).isEqualTo("policy/v1");
        assertThat(statefulSet.apiVersion()).isEqualTo("apps/v1");
        assertThat(manifests.ofKind("Service")).hasSize(2);
        assertThat(manifests.ofKind("ConfigMap")).extracting(K8sObject::name)
                .containsExactlyInAnyOrder(CONFIG_MAP, "hermod-grafana-dashboard");
        assertThat(headlessService().name()).isEqualTo(statefulSet.string("spec", "serviceName"));
    }

    // --- configuration -----------------------------------------------------------------------

    @Test
    void configMap_isAValidHermodConfigListeningOnAllInterfaces() {
        assertThat(config.smtp().listen()).containsExactly(new HostAndPort("0.0.0.0", 2525));
        assertThat(config.http().listen()).isEqualTo(new HostAndPort("0.0.0.0", 8025));
        assertThat(config.submission().submissionListen()).as("submission.listen")
                .containsExactly(new HostAndPort("0.0.0.0", 2587));
        assertThat(config.shutdown().grace()).isEqualTo(Duration.ofSeconds(25));
    }

    @Test
    void configMap_passesValidationOnlyWithTheFilesItNames() {
        // load() parsed it with the files present. Without them Hermod refuses to start: the
        // Secrets are what the pod needs, and a ConfigMap naming no file would pass either way.
        Map<String, String> files = ConfigFiles.named(configText);
        assertThat(files).as("files named by the ConfigMap").containsOnlyKeys(ConfigFiles.KEYS);
        assertThatThrownBy(() -> ConfigLoader.parse(configText, Map.of())).isInstanceOf(ConfigException.class)
                .hasMessageContaining("cannot read");
        for (Map.Entry<String, String> file : files.entrySet()) {
            assertThat(Path.of(file.getValue())).as("%s", file.getKey()).isAbsolute();
        }
        assertThat(config.tls().cert()).contains(ConfigFiles.moved(podFiles, files.get("tls.cert")));
        assertThat(config.tls().key()).contains(ConfigFiles.moved(podFiles, files.get("tls.key")));
        assertThat(config.auth().users()).contains(ConfigFiles.moved(podFiles, files.get("auth.users")));
    }

    @Test
    void relayNetworks_letNoRealNetworkRelayWithoutAuth() {
        // Port 25 relays without AUTH for these sources. Shipped, they must hold nothing but the
        // pod's own loopback and placeholders from the documentation ranges (RFC 5737, RFC 3849),
        // which no client has: an operator who forgets to set the senders' network gets a relay
        // that refuses unauthenticated mail, not an open one, whatever the Service exposes.
        List<Cidr> harmless = Stream.of("127.0.0.0/8", "::1/128", "192.0.2.0/24", "198.51.100.0/24",
                "203.0.113.0/24", "2001:db8::/32").map(Cidr::parse).toList();
        // The private ranges pod networks are carved from (RFC 1918, RFC 6598, RFC 4193, link-local):
        // no entry may touch one; the operator's CIDR goes in their copy, not in the repository's.
        List<Cidr> broad = Stream.of("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10",
                "fc00::/7", "fe80::/10").map(Cidr::parse).toList();
        assertThat(config.smtp().relayNetworks()).as("smtp.relay_networks").isNotEmpty();
        for (Cidr network : config.smtp().relayNetworks()) {
            assertThat(broad).as("ranges that relay network %s overlaps: the operator must name the senders'"
                    + " network, the ConfigMap must not guess it", network)
                    .noneMatch(range -> range.contains(network.network()) || network.contains(range.network()));
            assertThat(harmless).as("relay network %s is loopback or a documentation placeholder", network)
                    .anyMatch(range -> range.contains(network.network())
                            && range.prefixLength() <= network.prefixLength());
        }
    }

    @Test
    void submission_takesItsCertificateKeyAndUsersFromSecretsMountedWhereTheConfigSays() {
        Map<String, String> files = ConfigFiles.named(configText);
        assertThat(files).containsOnlyKeys(ConfigFiles.KEYS);
        for (Map.Entry<String, String> file : files.entrySet()) {
            PodTemplate.SecretKey source = pod.secretFileAt(file.getValue()); // fails unless mounted from a Secret
            String volume = pod.volumeMountedAt(Path.of(file.getValue()).getParent().toString());
            assertThat(pod.mount(volume).get("readOnly")).as("volumeMount %s readOnly", volume).isEqualTo(true);
            Map<?, ?> secret = statefulSet.as(Map.class, pod.volumes().get(volume).get("secret"), "secret");
            assertThat(secret.get("optional")).as("%s: a missing Secret %s must stop the pod", file.getKey(),
                    source.secret()).isIn(null, false);
            // No subPath: a Secret mounted as a directory is updated in place, which Hermod's reload watches.
            assertThat(pod.mount(volume).containsKey("subPath")).as("volumeMount %s has a subPath", volume).isFalse();
        }
        assertThat(pod.secretFileAt(files.get("tls.cert")).secret())
                .as("tls.cert and tls.key come from one Secret, so that they change together")
                .isEqualTo(pod.secretFileAt(files.get("tls.key")).secret());
    }

    @Test
    void readme_createsEverySecretThePodTakes_withTheKeysItTakes() {
        Map<String, Set<String>> documented = SecretCommands.in(SecretCommands.section(README, "Kubernetes"));
        List<PodTemplate.SecretKey> taken = new ArrayList<>(pod.envSecretKeys());
        for (String file : ConfigFiles.named(configText).values()) {
            taken.add(pod.secretFileAt(file));
        }
        assertThat(taken).extracting(PodTemplate.SecretKey::secret).contains("hermod-api");
        for (PodTemplate.SecretKey key : taken) {
            assertThat(documented).as("README (Kubernetes) has a \"kubectl create secret\" for %s", key.secret())
                    .containsKey(key.secret());
            assertThat(documented.get(key.secret())).as("keys README's command gives Secret %s", key.secret())
                    .contains(key.key());
        }
    }

    @Test
    void spoolAndEventLog_areOnThePodsVolumeClaim() {
        Path mount = Path.of(pod.mountPath(SPOOL_VOLUME));
        assertThat(config.spool().path()).isEqualTo(Path.of("/var/spool/hermod/spool")).startsWithRaw(mount);
        assertThat(config.log().events()).startsWithRaw(mount);
        List<String> claims = statefulSet.list("spec", "volumeClaimTemplates").stream()
                .map(t -> statefulSet.stringIn(t, "metadata", "name"))
                .toList();
        assertThat(claims).as("volumeClaimTemplates").containsExactly(SPOOL_VOLUME);
        assertThat(pod.volumes()).as("pod volumes must not shadow the claim").doesNotContainKey(SPOOL_VOLUME);
        assertThat(dockerfile.volumes()).as("Dockerfile VOLUME").containsExactly(mount.toString());
    }

    @Test
    void container_readsTheConfigMapAsItsConfigFile() {
        List<?> args = statefulSet.as(List.class, pod.container("args"), "args");
        int flag = args.indexOf("--config");
        assertThat(flag).as("--config in args %s", args).isGreaterThanOrEqualTo(0).isLessThan(args.size() - 1);
        Path file = Path.of(String.valueOf(args.get(flag + 1)));
        assertThat(file.getFileName().toString()).isEqualTo(CONFIG_KEY);
        String volume = pod.volumeMountedAt(file.getParent().toString());
        assertThat(statefulSet.stringIn(pod.volumes().get(volume), "configMap", "name")).isEqualTo(CONFIG_MAP);
    }

    @Test
    void imageEnvironment_namesOnlyKnownKeys_andAgreesWithTheConfigMap() {
        Map<String, String> hermodEnv = dockerfile.env().entrySet().stream()
                .filter(e -> e.getKey().startsWith("HERMOD_"))
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
        assertThat(hermodEnv).containsKeys("HERMOD_SMTP_LISTEN", "HERMOD_HTTP_LISTEN", "HERMOD_SPOOL_PATH",
                "HERMOD_LOG_EVENTS");
        HermodConfig imageDefaults = ConfigLoader.parse("", hermodEnv); // throws on an unknown HERMOD_ name
        Path volume = Path.of(dockerfile.volumes().get(0));
        assertThat(imageDefaults.spool().path()).startsWithRaw(volume);
        assertThat(imageDefaults.log().events()).startsWithRaw(volume);
        // Environment variables win over the file: in the pod they must not change what it says.
        assertThat(ConfigLoader.parse(rootedText, hermodEnv)).isEqualTo(config);
    }

    // --- ports -------------------------------------------------------------------------------

    @Test
    void containerPorts_areTheConfigMapsListenPorts() {
        Map<String, Integer> ports = pod.ports();
        assertThat(ports).containsOnlyKeys("smtp", "submission", "http");
        assertThat(config.smtp().listen()).extracting(HostAndPort::port).containsOnly(ports.get("smtp"));
        assertThat(config.submission().submissionListen()).extracting(HostAndPort::port)
                .containsOnly(ports.get("submission"));
        assertThat(ports.get("http")).isEqualTo(config.http().listen().port());
    }

    @Test
    void dockerfile_exposesTheListenPorts() {
        assertThat(dockerfile.exposed()).containsExactlyInAnyOrder(config.smtp().listen().get(0).port(),
                config.http().listen().port());
    }

    @Test
    void intakeService_maps25ToSmtp_587ToSubmission_and8025ToHttp() {
        K8sObject service = manifests.one("Service", "hermod");
        assertThat(servicePorts(service)).containsExactlyInAnyOrderEntriesOf(
                Map.of(25, "smtp", 587, "submission", 8025, "http"));
        assertSelectsThePods(service);
        assertThat(service.map("spec").get("type")).as("type of %s: it carries the API too; expose SMTP with a"
                + " Service of its own (README)", service).isIn(null, "ClusterIP");
    }

    @Test
    void headlessService_selectsThePods() {
        K8sObject headless = headlessService();
        assertSelectsThePods(headless);
        assertThat(servicePorts(headless).values()).contains("http");
    }

    @Test
    void everyServiceTargetPort_isAContainerPort() {
        for (K8sObject service : manifests.ofKind("Service")) {
            for (Object p : service.list("spec", "ports")) {
                Object target = service.in(p, "targetPort");
                assertThat(pod.port(target)).as("%s targetPort %s is one of the container ports %s", service,
                        target, pod.ports()).isIn(pod.ports().values());
            }
        }
    }

    // --- probes and metrics ------------------------------------------------------------------

    @Test
    void probes_useTheHealthRoutesOnTheHttpPort() throws IOException {
        Set<String> routes = getRoutes();
        assertThat(routes).contains("/health/live", "/health/ready");
        assertThat(httpProbePath("livenessProbe")).isEqualTo("/health/live");
        assertThat(httpProbePath("readinessProbe")).isEqualTo("/health/ready");
        if (pod.hasContainer("startupProbe")) {
            assertThat(routes).contains(httpProbePath("startupProbe"));
        }
    }

    @Test
    void scrapeAnnotations_pointAtMetricsOnTheHttpPort() throws IOException {
        assertThat(getRoutes()).contains("/metrics");
        Map<?, ?> annotations = pod.annotations();
        assertThat(annotations.get("prometheus.io/scrape")).isEqualTo("true");
        assertThat(annotations.get("prometheus.io/port")).isEqualTo(String.valueOf(config.http().listen().port()));
        assertThat(annotations.get("prometheus.io/path")).isEqualTo("/metrics");
    }

    @Test
    void serviceMonitor_scrapesMetricsThroughExactlyOneService() {
        K8sObject monitor = manifests.one("ServiceMonitor");
        Map<?, ?> wanted = monitor.map("spec", "selector", "matchLabels");
        List<K8sObject> selected = manifests.ofKind("Service").stream()
                .filter(s -> includes(s.map("metadata", "labels"), wanted))
                .toList();
        assertThat(selected).as("Services matching %s (more than one scrapes each pod twice)", wanted).hasSize(1);
        List<?> endpoints = monitor.list("spec", "endpoints");
        assertThat(endpoints).hasSize(1);
        assertThat(monitor.in(endpoints.get(0), "path")).isEqualTo("/metrics");
        Object portName = monitor.in(endpoints.get(0), "port");
        K8sObject service = selected.get(0);
        List<?> named = service.list("spec", "ports").stream()
                .filter(p -> portName.equals(((Map<?, ?>) p).get("name")))
                .toList();
        assertThat(named).as("ports of %s named %s", service, portName).hasSize(1);
        assertThat(pod.port(service.in(named.get(0), "targetPort"))).isEqualTo(config.http().listen().port());
    }

    // --- shutdown, security, resources -------------------------------------------------------

    @Test
    void terminationGrace_outlastsPreStopPlusShutdownGracePlusHandoff() {
        int period = statefulSet.integer("spec", "template", "spec", "terminationGracePeriodSeconds");
        long preStop = pod.preStopSleepSeconds();
        long handoff = config.handoff().to().isPresent() ? config.handoff().timeout().toSeconds() : 0;
        assertThat((long) period).as("terminationGracePeriodSeconds vs preStop %ds + shutdown.grace %s"
                + " + cluster.handoff_timeout %ds + 5s", preStop, config.shutdown().grace(), handoff)
                .isGreaterThanOrEqualTo(preStop + config.shutdown().grace().toSeconds() + handoff + 5);
        assertThat(dockerfile.stopSignal()).isEqualTo("SIGTERM");
        // Without exec, sh stays PID 1 and java never sees the SIGTERM.
        assertThat(dockerfile.entrypoint()).contains("exec java");
    }

    @Test
    void pod_runsAsTheImagesNonRootUser_onAReadOnlyRootWithTmpWritable() {
        Map<?, ?> podContext = pod.podSecurityContext();
        Map<?, ?> own = statefulSet.as(Map.class, pod.container("securityContext"), "securityContext");
        assertThat(podContext.get("runAsNonRoot")).isEqualTo(true);
        assertThat(own.get("readOnlyRootFilesystem")).isEqualTo(true);
        assertThat(own.get("allowPrivilegeEscalation")).isEqualTo(false);
        assertThat(dockerfile.user()).as("Dockerfile USER: numeric, so that runAsNonRoot can check it")
                .matches("\\d+(:\\d+)?");
        int uid = Integer.parseInt(dockerfile.user().split(":")[0]);
        assertThat(uid).as("Dockerfile USER uid").isPositive();
        assertThat(podContext.get("runAsUser")).isEqualTo(uid);
        assertThat(podContext.get("fsGroup")).as("fsGroup makes the spool volume writable").isNotNull();
        // RocksDB's JNI loader extracts its native library to java.io.tmpdir.
        assertThat(statefulSet.in(pod.volumes().get(pod.volumeMountedAt("/tmp")), "emptyDir")).isNotNull();
    }

    @Test
    void volumeMounts_areNotNested() {
        // ConfigMap and Secret volumes are mounted read-only: the runtime cannot create the mount
        // point of a second volume inside one, and the pod would not start.
        Map<String, String> mounts = pod.mountPaths();
        for (Map.Entry<String, String> outer : mounts.entrySet()) {
            for (Map.Entry<String, String> inner : mounts.entrySet()) {
                if (!outer.getKey().equals(inner.getKey())) {
                    assertThat(Path.of(inner.getValue())).as("volume %s at %s is inside volume %s at %s",
                            inner.getKey(), inner.getValue(), outer.getKey(), outer.getValue())
                            .matches(p -> !p.startsWith(Path.of(outer.getValue())), "is not below it");
                }
            }
        }
    }

    @Test
    void container_hasCpuAndMemoryRequestsAndLimits() {
        Map<?, ?> resources = statefulSet.as(Map.class, pod.container("resources"), "resources");
        for (String kind : List.of("requests", "limits")) {
            assertThat(statefulSet.as(Map.class, resources.get(kind), "resources", kind))
                    .as("resources.%s", kind).containsKeys("cpu", "memory");
        }
        assertThat(dockerfile.entrypoint()).contains("-XX:MaxRAMPercentage=", "-XX:+ExitOnOutOfMemoryError");
    }

    @Test
    void disruptionBudgetAndAutoscaler_targetTheStatefulSet() {
        K8sObject pdb = manifests.one("PodDisruptionBudget");
        assertThat(pdb.integer("spec", "maxUnavailable")).isEqualTo(1);
        assertThat(includes(pod.labels(), pdb.map("spec", "selector", "matchLabels")))
                .as("%s selects the pods %s", pdb, pod.labels()).isTrue();
        K8sObject hpa = manifests.one("HorizontalPodAutoscaler");
        assertThat(hpa.string("spec", "scaleTargetRef", "kind")).isEqualTo("StatefulSet");
        assertThat(hpa.string("spec", "scaleTargetRef", "name")).isEqualTo(statefulSet.name());
        List<String> resourceMetrics = hpa.list("spec", "metrics").stream()
                .map(m -> String.valueOf(hpa.in(m, "resource", "name")))
                .toList();
        assertThat(resourceMetrics).contains("cpu");
    }

    @Test
    void handoff_goesThroughTheIntakeServicesHttpPort_withThePodsOwnToken() {
        java.net.URI to = config.handoff().to().orElseThrow(() ->
                new AssertionError("configmap.yaml: cluster.handoff_to is not set: a pod scaled away strands its queue"));
        K8sObject intake = manifests.one("Service", to.getHost().split("\\.")[0]);
        // Not the headless Service: it publishes not-ready pods, so the leaving pod could reach itself.
        assertThat(intake.map("spec").get("clusterIP")).as("%s is not headless", intake).isNotEqualTo("None");
        assertSelectsThePods(intake);
        int port = to.getPort() < 0 ? 80 : to.getPort();
        assertThat(servicePorts(intake)).as("ports of %s", intake).containsKey(port);
        assertThat(pod.port(servicePorts(intake).get(port))).isEqualTo(config.http().listen().port());
        // The peer checks its own http.token, which every pod takes from the same Secret.
        assertThat(config.handoff().token()).as("cluster.handoff_token (unset = http.token)").isEmpty();
        List<?> env = statefulSet.as(List.class, pod.container("env"), "env");
        assertThat(env.stream().filter(e -> "HERMOD_HTTP_TOKEN".equals(((Map<?, ?>) e).get("name"))).toList())
                .as("HERMOD_HTTP_TOKEN in the container's env").hasSize(1);
        assertThat(pod.envSecretKeys()).extracting(PodTemplate.SecretKey::secret).contains("hermod-api");
    }

    @Test
    void autoscaler_mayScaleDown_slowly() {
        K8sObject hpa = manifests.one("HorizontalPodAutoscaler");
        Map<?, ?> scaleDown = hpa.map("spec", "behavior", "scaleDown");
        assertThat(scaleDown.get("selectPolicy")).as("scaleDown.selectPolicy").isNotEqualTo("Disabled");
        List<?> policies = hpa.list("spec", "behavior", "scaleDown", "policies");
        assertThat(policies).isNotEmpty();
        for (Object policy : policies) {
            assertThat(hpa.in(policy, "type")).isEqualTo("Pods");
            assertThat(hpa.intIn(policy, "value")).as("pods removed per period").isEqualTo(1);
            // One pod leaves at a time, its hand-off done before the next.
            assertThat((long) hpa.intIn(policy, "periodSeconds"))
                    .isGreaterThanOrEqualTo(config.handoff().timeout().toSeconds());
        }
    }

    // --- dashboard and rendering ---------------------------------------------------------------

    @Test
    void dashboardConfigMap_isLabelledForTheSidecar_andEqualsGrafanaJson() throws IOException {
        K8sObject dashboard = manifests.one("ConfigMap", "hermod-grafana-dashboard");
        assertThat(dashboard.map("metadata", "labels").get("grafana_dashboard")).isEqualTo("1");
        String inlined = dashboard.string("data", "hermod.json");
        assertThat(inlined).startsWith("{");
        assumeTrue(Files.exists(DASHBOARD), DASHBOARD + " does not exist yet");
        assertThat(inlined.strip())
                .as("k8s/grafana-dashboard.yaml is out of date: run sh k8s/sync-dashboard.sh")
                .isEqualTo(Files.readString(DASHBOARD).strip());
    }

    @Test
    void kustomization_rendersEveryManifest() throws Exception {
        Set<String> listed = new HashSet<>();
        for (Object entry : manifests.one("Kustomization").list("resources")) {
            Path file = K8S.resolve(String.valueOf(entry));
            assertThat(file).as("kustomization resource %s", entry).isRegularFile();
            listed.add(file.normalize().toString());
        }
        Set<String> manifestFiles = manifests.all().stream()
                .filter(o -> !o.kind().equals("Kustomization"))
                .map(o -> o.file().normalize().toString())
                .collect(Collectors.toSet());
        assertThat(listed).as("every manifest is listed in kustomization.yaml").isEqualTo(manifestFiles);
        Optional<Path> kubectl = Kubectl.find();
        if (kubectl.isEmpty()) {
            return; // the offline render: the checks above
        }
        Kubectl.Result rendered = Kubectl.kustomize(kubectl.get(), K8S);
        assertThat(rendered.exitCode()).as("kubectl kustomize k8s/ said:%n%s", rendered.output()).isZero();
        assertThat(rendered.output().lines().filter(l -> l.startsWith("kind: ")).count()).as("objects rendered")
                .isEqualTo(manifests.all().size() - 1);
    }

    // --- helpers -----------------------------------------------------------------------------

    private static K8sObject headlessService() {
        List<K8sObject> headless = manifests.ofKind("Service").stream()
                .filter(s -> "None".equals(s.map("spec").get("clusterIP")))
                .toList();
        assertThat(headless).as("Services with clusterIP: None").hasSize(1);
        return headless.get(0);
    }

    /** Service port number to its targetPort (a container port name or number, as text). */
    private static Map<Integer, String> servicePorts(K8sObject service) {
        Map<Integer, String> out = new HashMap<>();
        for (Object p : service.list("spec", "ports")) {
            out.put(service.intIn(p, "port"), String.valueOf(service.in(p, "targetPort")));
        }
        return out;
    }

    private static boolean includes(Map<?, ?> labels, Map<?, ?> selector) {
        return !selector.isEmpty() && labels.entrySet().containsAll(selector.entrySet());
    }

    private static void assertSelectsThePods(K8sObject service) {
        Map<?, ?> selector = service.map("spec", "selector");
        assertThat(includes(pod.labels(), selector)).as("%s selector %s matches the pod labels %s", service,
                selector, pod.labels()).isTrue();
    }

    /** The probe's HTTP path, after checking that its port is the http container port. */
    private static String httpProbePath(String name) {
        PodTemplate.HttpProbe probe = pod.probe(name);
        assertThat(pod.port(probe.port())).as("%s port %s", name, probe.port()).isEqualTo(pod.ports().get("http"))
                .isEqualTo(config.http().listen().port());
        return probe.path();
    }

    /** The paths HttpApi registers with router.get("..."), read from its source. */
    private static Set<String> getRoutes() throws IOException {
        Matcher m = Pattern.compile("router\\.get\\(\"([^\"]+)\"\\)").matcher(Files.readString(HTTP_API));
        Set<String> out = new HashSet<>();
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }
}
