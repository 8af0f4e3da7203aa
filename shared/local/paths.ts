/** Where the repository and the parts that set-up fetches live (the same from ts-jest and from dist/). */
import path from 'node:path';

export const REPO_ROOT = path.resolve(__dirname, '..', '..', ...(__dirname.includes(`${path.sep}dist${path.sep}`) ? ['..'] : []));

/** Apache Kafka's jars, copied from Maven Central by scripts/setup.sh (scripts/kafka/pom.xml). */
export const KAFKA_LIBS = path.join(REPO_ROOT, '.podflow', 'kafka-libs');
