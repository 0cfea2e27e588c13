package io.digitflow.model;

import io.digitflow.platform.Nd4jRuntime.BackendInfo;

import java.util.List;
import java.util.Map;

/**
 * What model.json says of a trained model: where it came from and how good it is. Plain JSON with
 * camelCase keys; {@code testAccuracy} is a fraction in [0, 1].
 */
public record ModelMetadata(
        String version,
        String createdAt,
        String architecture,
        Hyperparameters hyperparameters,
        Map<String, String> datasetSha256,
        int trainImages,
        int testImages,
        List<EpochStats> history,
        double testAccuracy,
        double testLoss,
        int[][] confusionMatrix,
        List<ClassMetrics> perClass,
        double trainingSeconds,
        BackendInfo backend) {

    /** Precision and recall of one digit on the test set. */
    public record ClassMetrics(int digit, double precision, double recall, int support) {
    }

    static List<ClassMetrics> perClass(Evaluation evaluation) {
        return java.util.stream.IntStream.range(0, evaluation.confusion().length)
                .mapToObj(d -> new ClassMetrics(d, evaluation.precision(d), evaluation.recall(d), evaluation.support(d)))
                .toList();
    }
}
