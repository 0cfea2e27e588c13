package io.digitflow;

import io.digitflow.platform.NativeTuning;
import io.quarkus.picocli.runtime.PicocliRunner;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.annotations.QuarkusMain;

/** Entry point: tunes the native libraries for this CPU, then hands the command line to picocli. */
@QuarkusMain
public class Main {

    public static void main(String... args) {
        // Before anything can load ND4J or OpenBLAS: they read these settings once, at load time.
        NativeTuning.apply();
        Quarkus.run(PicocliRunner.class, args);
    }
}
