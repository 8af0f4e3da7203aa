/*
 * podflow-kafka-mock: a development Kafka broker on librdkafka's mock cluster.
 *
 * Why: no Kafka package exists on the development machines, but librdkafka
 * ships a real Kafka-protocol broker for tests. This launcher starts it,
 * creates the topics podflow needs (kafkajs' admin.createTopics cannot, the
 * mock reports no usable controller), prints the bootstrap list on one line
 * and runs until SIGINT/SIGTERM or until its standard input closes (so it
 * never outlives the process that started it).
 *
 * Usage: podflow-kafka-mock [--brokers N] TOPIC:PARTITIONS ...
 * Output: "BOOTSTRAP 127.0.0.1:PORT,..." on stdout once every topic exists.
 * The log lives in memory only; a restart starts with empty topics.
 */
#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static volatile sig_atomic_t stopping = 0;

static void on_signal(int sig) {
        (void)sig;
        stopping = 1;
}

static void usage(void) {
        fprintf(stderr, "usage: podflow-kafka-mock [--brokers N] [--watch-stdin] TOPIC:PARTITIONS ...\n");
        exit(2);
}

int main(int argc, char **argv) {
        int brokers = 1;
        int watch_stdin = 0;
        int first_topic = 1;
        for (; first_topic < argc; first_topic++) {
                if (!strcmp(argv[first_topic], "--brokers") && first_topic + 1 < argc) {
                        brokers = atoi(argv[++first_topic]);
                } else if (!strcmp(argv[first_topic], "--watch-stdin")) {
                        watch_stdin = 1;
                } else if (!strncmp(argv[first_topic], "--", 2)) {
                        usage();
                } else {
                        break;
                }
        }
        if (brokers < 1 || first_topic >= argc)
                usage();

        char errstr[512];
        rd_kafka_conf_t *conf = rd_kafka_conf_new();
        /* The handle only hosts the mock cluster; keep its own chatter quiet. */
        rd_kafka_conf_set(conf, "log_level", "3", errstr, sizeof(errstr));
        rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof(errstr));
        if (!rk) {
                fprintf(stderr, "podflow-kafka-mock: %s\n", errstr);
                return 1;
        }
        rd_kafka_mock_cluster_t *mc = rd_kafka_mock_cluster_new(rk, brokers);
        if (!mc) {
                fprintf(stderr, "podflow-kafka-mock: could not create the mock cluster\n");
                return 1;
        }

        for (int i = first_topic; i < argc; i++) {
                char *spec = strdup(argv[i]);
                char *colon = strrchr(spec, ':');
                int partitions = colon ? atoi(colon + 1) : 1;
                if (colon)
                        *colon = '\0';
                if (!*spec || partitions < 1) {
                        fprintf(stderr, "podflow-kafka-mock: bad topic spec '%s'\n", argv[i]);
                        return 2;
                }
                rd_kafka_resp_err_t err = rd_kafka_mock_topic_create(mc, spec, partitions, 1);
                if (err) {
                        fprintf(stderr, "podflow-kafka-mock: creating %s: %s\n", spec, rd_kafka_err2str(err));
                        return 1;
                }
                free(spec);
        }

        struct sigaction sa;
        memset(&sa, 0, sizeof(sa));
        sa.sa_handler = on_signal;
        sigaction(SIGINT, &sa, NULL);
        sigaction(SIGTERM, &sa, NULL);
        signal(SIGPIPE, SIG_IGN);

        printf("BOOTSTRAP %s\n", rd_kafka_mock_cluster_bootstraps(mc));
        fflush(stdout);

        while (!stopping) {
                if (watch_stdin) {
                        struct pollfd pfd = {.fd = 0, .events = POLLIN};
                        int n = poll(&pfd, 1, 500);
                        if (n > 0) {
                                char buf[256];
                                if (read(0, buf, sizeof(buf)) <= 0)
                                        break; /* parent went away */
                        }
                } else {
                        usleep(500 * 1000);
                }
        }

        rd_kafka_mock_cluster_destroy(mc);
        rd_kafka_destroy(rk);
        return 0;
}
