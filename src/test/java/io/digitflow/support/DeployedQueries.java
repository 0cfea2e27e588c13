package io.digitflow.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** What the deployment's monitoring asks of the service: the metric names its dashboard and alert rules query. */
public final class DeployedQueries {

    private DeployedQueries() {
    }

    /** The metric names matching {@code regex} that the Grafana dashboard and the alert rules in deploy/ query. */
    public static Set<String> matching(String regex) throws IOException {
        Matcher matcher = Pattern.compile(regex).matcher(Files.readString(Path.of("deploy", "grafana", "digitflow.json"))
                + Files.readString(Path.of("deploy", "compose", "alerts.yml")));
        Set<String> queried = new TreeSet<>();
        while (matcher.find()) {
            queried.add(matcher.group());
        }
        return queried;
    }
}
