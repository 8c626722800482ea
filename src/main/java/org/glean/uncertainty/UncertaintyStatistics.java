package org.glean.uncertainty;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;

import java.util.Collection;
import java.util.EnumMap;
import java.util.Map;

/**
 * z-score statistics of the four uncertainty kinds over a reference population of objects
 * (method.md §5.1: the pool scored in one round). Persisted with the model version as JSON so that
 * a study arriving alone is scored on the same scale.
 *
 * <p>An empty population gives {@code objectCount} 0 and mean = std = 0 for every kind, so every
 * z-score is 0 (see {@link KindStatistics#zScore}).
 *
 * @param objectCount number of objects the statistics were fitted on
 */
public record UncertaintyStatistics(long objectCount, KindStatistics epistemicLocalization,
                                    KindStatistics aleatoricLocalization, KindStatistics epistemicClassification,
                                    KindStatistics aleatoricClassification) {

    static final String FORMAT = "glean-uncertainty-statistics";
    static final int FORMAT_VERSION = 1;

    public UncertaintyStatistics {
        if (objectCount < 0) {
            throw new IllegalArgumentException("objectCount " + objectCount + " is negative");
        }
        if (epistemicLocalization == null || aleatoricLocalization == null
                || epistemicClassification == null || aleatoricClassification == null) {
            throw new IllegalArgumentException("statistics are needed for all four uncertainty kinds");
        }
    }

    /**
     * Mean and population std √(Σ (u − mean)² / n) of each kind over {@code population}, two-pass
     * for accuracy; a kind whose values are all equal gets exactly that mean and std 0.
     */
    public static UncertaintyStatistics fit(Collection<ObjectUncertainty> population) {
        Map<UncertaintyKind, KindStatistics> byKind = new EnumMap<>(UncertaintyKind.class);
        int n = population.size();
        for (UncertaintyKind kind : UncertaintyKind.values()) {
            if (n == 0) {
                byKind.put(kind, new KindStatistics(0, 0));
                continue;
            }
            double sum = 0;
            double min = Double.POSITIVE_INFINITY;
            double max = Double.NEGATIVE_INFINITY;
            for (ObjectUncertainty object : population) {
                double value = object.get(kind);
                sum += value;
                min = Math.min(min, value);
                max = Math.max(max, value);
            }
            if (min == max) {
                // Exactly 0, not a rounding residue like 1e-17 that would blow every other value up to z ≈ 1e16.
                byKind.put(kind, new KindStatistics(min, 0));
                continue;
            }
            double mean = sum / n;
            double squaredDeviations = 0;
            for (ObjectUncertainty object : population) {
                double deviation = object.get(kind) - mean;
                squaredDeviations += deviation * deviation;
            }
            byKind.put(kind, new KindStatistics(mean, Math.sqrt(squaredDeviations / n)));
        }
        return of(n, byKind);
    }

    private static UncertaintyStatistics of(long objectCount, Map<UncertaintyKind, KindStatistics> byKind) {
        return new UncertaintyStatistics(objectCount, byKind.get(UncertaintyKind.EPISTEMIC_LOCALIZATION),
                byKind.get(UncertaintyKind.ALEATORIC_LOCALIZATION), byKind.get(UncertaintyKind.EPISTEMIC_CLASSIFICATION),
                byKind.get(UncertaintyKind.ALEATORIC_CLASSIFICATION));
    }

    public KindStatistics get(UncertaintyKind kind) {
        return kind.of(epistemicLocalization, aleatoricLocalization, epistemicClassification, aleatoricClassification);
    }

    /** The object's four z-scores. */
    public StandardizedUncertainty standardize(ObjectUncertainty object) {
        double[] z = new double[UncertaintyKind.values().length];
        for (UncertaintyKind kind : UncertaintyKind.values()) {
            z[kind.ordinal()] = get(kind).zScore(object.get(kind));
        }
        return StandardizedUncertainty.of(z);
    }

    /**
     * JSON of the form
     * <pre>
     * {"format":"glean-uncertainty-statistics","version":1,"objectCount":n,
     *  "epistemicLocalization":{"mean":…,"std":…}, "aleatoricLocalization":{…},
     *  "epistemicClassification":{…}, "aleatoricClassification":{…}}
     * </pre>
     * Doubles are written with full round-trip precision.
     */
    public String toJson() {
        JsonObject json = new JsonObject();
        json.addProperty("format", FORMAT);
        json.addProperty("version", FORMAT_VERSION);
        json.addProperty("objectCount", objectCount);
        for (UncertaintyKind kind : UncertaintyKind.values()) {
            JsonObject statistics = new JsonObject();
            statistics.addProperty("mean", get(kind).mean());
            statistics.addProperty("std", get(kind).std());
            json.add(kind.component(), statistics);
        }
        return json.toString();
    }

    /**
     * Reads {@link #toJson()}'s format. Anything else — not JSON, another format or version, a
     * missing or non-numeric value, a negative or non-finite statistic — is an
     * {@link IllegalArgumentException} whose message names the problem.
     */
    public static UncertaintyStatistics fromJson(String text) {
        try {
            return parse(JsonParser.parseString(text));
        } catch (JsonParseException | IllegalArgumentException e) {
            throw new IllegalArgumentException("uncertainty statistics are not readable: " + e.getMessage(), e);
        }
    }

    private static UncertaintyStatistics parse(JsonElement root) {
        if (!root.isJsonObject()) {
            throw new IllegalArgumentException("expected a JSON object");
        }
        JsonObject json = root.getAsJsonObject();
        String format = requireMember(json, "format").getAsString();
        long version = requireWholeNumber(json, "version");
        if (!FORMAT.equals(format) || version != FORMAT_VERSION) {
            throw new IllegalArgumentException("format " + format + " version " + version
                    + " is not " + FORMAT + " version " + FORMAT_VERSION);
        }
        long objectCount = requireWholeNumber(json, "objectCount");
        Map<UncertaintyKind, KindStatistics> byKind = new EnumMap<>(UncertaintyKind.class);
        for (UncertaintyKind kind : UncertaintyKind.values()) {
            JsonElement member = json.get(kind.component());
            if (member == null || !member.isJsonObject()) {
                throw new IllegalArgumentException("missing object \"" + kind.component() + "\"");
            }
            JsonObject statistics = member.getAsJsonObject();
            try {
                byKind.put(kind, new KindStatistics(requireNumber(statistics, "mean"), requireNumber(statistics, "std")));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(kind.component() + ": " + e.getMessage(), e);
            }
        }
        return of(objectCount, byKind);
    }

    private static JsonPrimitive requireMember(JsonObject json, String name) {
        JsonElement member = json.get(name);
        if (member == null || !member.isJsonPrimitive()) {
            throw new IllegalArgumentException("missing value \"" + name + "\"");
        }
        return member.getAsJsonPrimitive();
    }

    private static double requireNumber(JsonObject json, String name) {
        JsonPrimitive member = requireMember(json, name);
        if (!member.isNumber()) {
            throw new IllegalArgumentException("\"" + name + "\" is not a number");
        }
        return member.getAsDouble();
    }

    private static long requireWholeNumber(JsonObject json, String name) {
        double value = requireNumber(json, name);
        if (value != Math.rint(value) || Math.abs(value) > 1L << 53) {
            throw new IllegalArgumentException("\"" + name + "\" = " + value + " is not a whole number");
        }
        return (long) value;
    }
}
