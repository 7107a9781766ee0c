# syntax=docker/dockerfile:1
# Hermod container image: docker build -t hermod:0.1.0 .
#
# Stage 1 builds the shaded jar with Maven; stage 2 is a JRE 17 runtime that runs it as a
# non-root user with the spool on a volume.

FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /build
# The pom alone first, so that the dependency layer is rebuilt only when the pom changes.
COPY pom.xml .
RUN mvn -B -q dependency:go-offline
COPY src ./src
# No CDS training here: an archive fits only the JVM that wrote it, and the runtime stage has another.
RUN mvn -B -q -DskipTests -Dcds.skip package

FROM eclipse-temurin:17-jre
# A fixed numeric uid, so that Kubernetes' runAsNonRoot can check it and fsGroup can match it.
RUN groupadd --system --gid 10001 hermod \
 && useradd --system --uid 10001 --gid 10001 --home-dir /opt/hermod --no-create-home \
      --shell /usr/sbin/nologin hermod \
 && mkdir -p /opt/hermod/conf /var/spool/hermod \
 && chown 10001:10001 /var/spool/hermod
WORKDIR /opt/hermod
COPY --from=build /build/target/hermod.jar /opt/hermod/hermod.jar
# The AppCDS archive, written by this image's JVM for the jar at this path: one short loaded run on
# loopback (src/build/cds-archive.sh). Start-up maps the classes instead of parsing and verifying them.
COPY src/build/cds-archive.sh /tmp/cds-archive.sh
RUN sh /tmp/cds-archive.sh /opt/hermod/hermod.jar /opt/hermod/hermod.jsa && rm /tmp/cds-archive.sh
# The documented defaults; the HERMOD_* variables below adapt them to a container (they win over
# the file, so a mounted config must agree with them: k8s/configmap.yaml does).
COPY conf/hermod.yaml /opt/hermod/conf/hermod.yaml

# Everything that must survive a restart lives under the volume: the RocksDB spool and the
# event log. Listeners bind every interface, since the container's network is its own.
ENV HERMOD_SPOOL_PATH=/var/spool/hermod/spool \
    HERMOD_LOG_EVENTS=/var/spool/hermod/events.log \
    HERMOD_SMTP_LISTEN=0.0.0.0:2525 \
    HERMOD_HTTP_LISTEN=0.0.0.0:8025 \
    JAVA_OPTS=""
VOLUME /var/spool/hermod

# SMTP intake, HTTP (API, /health/live, /health/ready, /metrics)
EXPOSE 2525 8025

USER 10001:10001
# SIGTERM starts Hermod's drain (stop accepting, finish transactions, flush the spool); exec makes
# java PID 1 so that it receives the signal itself.
STOPSIGNAL SIGTERM
# The heap takes half the container's memory limit, not more: RocksDB's memtables (up to
# 4 column families x 2 x 64 MiB) and Netty's direct buffers live outside it. JAVA_OPTS comes
# last, so it can override any flag (-Xshare:off turns the CDS archive off). Arguments (--config FILE) are passed on to Hermod.
# The serial collector, for a 2-core pod: Hermod's live set is small and its garbage dies young, so
# a young pause is a few ms on one thread; the parallel collectors' workers (G1's and Parallel's) wait
# for each other when the node descheduled one, and measured median young pauses of 24 ms (G1) and
# 177 ms (Parallel) against 2.6 ms (serial) on a busy 2-vCPU box, and more CPU per message (README,
# Performance). A pod with 4 or more cores may do better with G1: JAVA_OPTS="-XX:-UseSerialGC -XX:+UseG1GC".
# The JIT flags: on 2 cores, C2 compiling the hot path took as much CPU as the event loops in the
# first 40,000 messages (it inlined whole callback chains, up to 62 KB of code per method, and
# compiled them again after each deoptimization). Methods go to C2 after 3x the calls, and inline
# trees are smaller: the first 20,000 messages of the peer benchmark used 0.42-0.44 ms of CPU each
# instead of 0.50-0.60, and the warm rounds were unchanged (README, "Performance").
# The heap in transparent huge pages, its initial size faulted in at start (and each growth of
# it during the collection that grows it): a virtual machine pays for every 4 KiB page fault and
# TLB miss, and the first 20,000 messages used 0.37-0.40 ms of CPU each instead of 0.43-0.45
# (warm rounds 0.17-0.18 instead of 0.18-0.20). Where the kernel has transparent huge pages off
# (/sys/kernel/mm/transparent_hugepage/enabled = never), JDK 17.0.15 warns "UseTransparentHugePages
# disabled" at start and uses 4 KiB pages. JAVA_OPTS="-XX:-UseTransparentHugePages
# -XX:-AlwaysPreTouch" turns both off, for a node whose memory is so fragmented that faulting in
# huge pages stalls.
ENTRYPOINT ["sh", "-c", "exec java -XX:MaxRAMPercentage=50 -XX:+ExitOnOutOfMemoryError -XX:+UseSerialGC -XX:SharedArchiveFile=/opt/hermod/hermod.jsa -XX:Tier4InvocationThreshold=15000 -XX:Tier4MinInvocationThreshold=2000 -XX:Tier4CompileThreshold=30000 -XX:MaxInlineLevel=9 -XX:InlineSmallCode=1500 -XX:+UseTransparentHugePages -XX:+AlwaysPreTouch $JAVA_OPTS -jar /opt/hermod/hermod.jar \"$@\"", "hermod"]
