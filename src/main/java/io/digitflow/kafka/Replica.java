package io.digitflow.kafka;

/** Names this process in events, so operators (and tests) see which replica handled a command. */
public final class Replica {

    /** host/pid of this process. */
    public static final String ID = host() + "/" + ProcessHandle.current().pid();

    private Replica() {
    }

    private static String host() {
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.io.IOException e) {
            return "unknown-host";
        }
    }
}
