package wensou.cluster;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;

import org.opensearch.common.logging.LogConfigurator;
import org.opensearch.common.settings.Settings;
import org.opensearch.env.Environment;
import org.opensearch.node.InternalSettingsPreparer;
import org.opensearch.node.Node;
import org.opensearch.plugins.Plugin;
import org.opensearch.transport.Netty4Plugin;

/**
 * One stock OpenSearch node in this JVM, for a local development or test cluster.
 *
 * Usage: java -cp 'target/classes:target/lib/*' wensou.cluster.NodeMain key=value ...
 * Every argument is a node setting (cluster.name, node.name, path.home, path.data, http.port,
 * transport.port, discovery.seed_hosts, cluster.initial_cluster_manager_nodes, ...). The node
 * binds to 127.0.0.1 unless network.host is given. It runs until the process is stopped
 * (SIGTERM closes the node cleanly).
 *
 * A distribution's launcher loads plugins from its plugins/ folder; here the one plugin a node
 * needs to talk to other nodes and to HTTP clients (the netty4 transport) is given as a class,
 * through Node's constructor that takes classpath plugins.
 */
public final class NodeMain {

    /** Node with classpath plugins (the constructor the test framework's MockNode uses). */
    static final class PluginNode extends Node {
        PluginNode(Environment environment, Collection<Class<? extends Plugin>> plugins) {
            super(environment, plugins, true);
        }
    }

    public static void main(String[] args) throws Exception {
        Settings.Builder builder = Settings.builder()
                .put("network.host", "127.0.0.1")
                .put("http.type", "netty4")
                .put("transport.type", "netty4")
                .put("bootstrap.memory_lock", false)
                .put("action.auto_create_index", false)
                .put("cluster.routing.allocation.disk.threshold_enabled", false);
        for (String arg : args) {
            int eq = arg.indexOf('=');
            if (eq <= 0) {
                System.err.println("expected key=value, got: " + arg);
                System.exit(2);
            }
            String key = arg.substring(0, eq);
            String value = arg.substring(eq + 1);
            if (key.equals("discovery.seed_hosts") || key.equals("cluster.initial_cluster_manager_nodes")) {
                builder.putList(key, value.split(","));
            } else {
                builder.put(key, value);
            }
        }
        Settings settings = builder.build();
        Path home = Paths.get(settings.get("path.home", "."));
        Files.createDirectories(home.resolve("config"));
        Files.createDirectories(home.resolve("logs"));
        Environment environment = InternalSettingsPreparer.prepareEnvironment(
                settings, Collections.emptyMap(), home.resolve("config"), () -> settings.get("node.name", "node"));
        LogConfigurator.configureWithoutConfig(environment.settings());

        final Node node = new PluginNode(environment, List.of(Netty4Plugin.class));
        final CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                node.close();
            } catch (Exception e) {
                e.printStackTrace();
            } finally {
                stopped.countDown();
            }
        }, "wensou-node-shutdown"));
        node.start();
        System.out.println("started " + settings.get("node.name"));
        System.out.flush();
        stopped.await();
    }

    private NodeMain() {
    }
}
