package org.glean.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.util.List;
import org.glean.curation.ScoredStudy;
import org.glean.detector.PixelBox;
import org.glean.uncertainty.ImageAggregation;
import org.glean.uncertainty.KindStatistics;
import org.glean.uncertainty.ObjectUncertainty;
import org.glean.uncertainty.UncertaintyKind;
import org.glean.uncertainty.UncertaintyStatistics;
import org.junit.jupiter.api.Test;

class StudyScorerTest {

    private static final List<String> CLASSES = List.of("nodule", "mass", "calcification");

    private static final double OBJECT_THRESHOLD = 0.5;

    private static final FoundObject CALM = object(1, 1, 1, 1);
    private static final FoundObject UNSURE_WHERE = object(3, 1, 1, 1);
    private static final List<StudyScorer.AnalysedFrame> FRAMES = List.of(
            new StudyScorer.AnalysedFrame("1.2.3", 1, 64, 48, List.of(CALM, UNSURE_WHERE), null),
            new StudyScorer.AnalysedFrame("1.2.3", 2, 64, 48, List.of(), null),
            new StudyScorer.AnalysedFrame("1.2.4", 1, 64, 48, List.of(), "the stored instance could not be decoded"));

    @Test
    void zScoresAgainstTheVersionsStatisticsAndNamesTheDrivingObject() {
        KindStatistics unit = new KindStatistics(1, 1);
        UncertaintyStatistics statistics = new UncertaintyStatistics(10, unit, unit, unit, unit);

        StudyScores scores = StudyScorer.score("v1", CLASSES, statistics, ImageAggregation.MAX, OBJECT_THRESHOLD, FRAMES);

        assertThat(scores.modelVersion()).isEqualTo("v1");
        assertThat(scores.images().get(0).objects().get(1).normalized().epistemicLocalization()).isEqualTo(2.0);
        assertThat(scores.images().get(0).informativeness()).isEqualTo(2.0);
        assertThat(scores.images().get(1).informativeness()).isEqualTo(ScoredStudy.ScoredImage.NO_OBJECTS);
        assertThat(scores.images().get(2).informativeness()).isEqualTo(ScoredStudy.ScoredImage.NO_OBJECTS);
        assertThat(scores.images().get(2).analysisError()).contains("could not be decoded");
        assertThat(scores.informativeness()).isEqualTo(2.0);
        assertThat(scores.drivenBy()).isEqualTo(new StudyScores.Driver("1.2.3", 1, 1, false, UncertaintyKind.EPISTEMIC_LOCALIZATION));
    }

    @Test
    void withoutStatisticsTheStudysOwnObjectsAreThePool() {
        StudyScores scores = StudyScorer.score("v1", CLASSES, null, ImageAggregation.MAX, OBJECT_THRESHOLD, FRAMES);

        // epistemic localization 1 and 3: mean 2, std 1; the other kinds are all equal, so z = 0
        assertThat(scores.images().get(0).objects()).extracting(o -> o.normalized().epistemicLocalization())
                .containsExactly(-1.0, 1.0);
        assertThat(scores.informativeness()).isEqualTo(1.0);
    }

    @Test
    void aStudyWithoutObjectsHasTheLowestInformativenessAndNoDriver() {
        StudyScores scores = StudyScorer.score("v1", CLASSES, null, ImageAggregation.MAX, OBJECT_THRESHOLD, FRAMES.subList(1, 3));

        assertThat(scores.informativeness()).isEqualTo(ScoredStudy.ScoredImage.NO_OBJECTS);
        assertThat(scores.drivenBy()).isNull();
    }

    @Test
    void survivesItsJsonFormAndBecomesTheScoredStudyCurationTakes() {
        StudyScores scores = StudyScorer.score("v1", CLASSES, null, ImageAggregation.MAX, OBJECT_THRESHOLD, FRAMES);

        assertThat(StudyScores.fromJson(scores.toJson())).isEqualTo(scores);
        ScoredStudy scored = ScoredStudy.of("1.2", scores);
        assertThat(scored.informativeness()).isEqualTo(1.0);
        assertThat(scored.images()).hasSize(3);
        assertThat(scored.images().get(0).objects()).extracting(ScoredStudy.PreAnnotation::xmin, ScoredStudy.PreAnnotation::ymax)
                .containsOnly(tuple(2.0, 9.0));
    }

    @Test
    void aNearMissBelowTheObjectThresholdCountsForTheInformativenessButIsNoObject() {
        KindStatistics unit = new KindStatistics(1, 1);
        UncertaintyStatistics statistics = new UncertaintyStatistics(10, unit, unit, unit, unit);
        FoundObject hesitant = new FoundObject(new PixelBox(20, 20, 30, 30), "mass", 0.3, new ObjectUncertainty(1, 1, 5, 1));
        List<StudyScorer.AnalysedFrame> frames = List.of(
                new StudyScorer.AnalysedFrame("1.2.3", 1, 64, 48, List.of(CALM, hesitant, UNSURE_WHERE), null),
                new StudyScorer.AnalysedFrame("1.2.3", 2, 64, 48, List.of(hesitant), null));

        StudyScores scores = StudyScorer.score("v1", CLASSES, statistics, ImageAggregation.MAX, OBJECT_THRESHOLD, frames);

        StudyScores.ImageScores first = scores.images().get(0);
        assertThat(first.objects()).extracting(StudyScores.ScoredObject::score).containsExactly(0.7, 0.7);
        assertThat(first.nearMisses()).extracting(StudyScores.ScoredObject::label).containsExactly("mass");
        assertThat(first.informativeness()).as("the near miss's ep_cls z = (5 − 1) / 1").isEqualTo(4.0);
        assertThat(scores.images().get(1).objects()).isEmpty();
        assertThat(scores.images().get(1).informativeness()).as("a frame with a near miss alone is scored").isEqualTo(4.0);
        assertThat(scores.drivenBy()).isEqualTo(
                new StudyScores.Driver("1.2.3", 1, 0, true, UncertaintyKind.EPISTEMIC_CLASSIFICATION));
        assertThat(ScoredStudy.of("1.2", scores).images().get(0).objects()).as("pre-annotations are objects only")
                .extracting(ScoredStudy.PreAnnotation::label).containsExactly("nodule", "nodule");
        assertThat(StudyScores.fromJson(scores.toJson())).isEqualTo(scores);
    }

    @Test
    void anAnalysisPersistedBeforeNearMissesReadsAsHavingNone() {
        String json = "{\"modelVersion\":\"v1\",\"classes\":[\"nodule\"],\"informativeness\":1.0,"
                + "\"images\":[{\"sopInstanceUid\":\"1.2.3\",\"frame\":1,\"rows\":64,\"columns\":48,"
                + "\"informativeness\":1.0,\"objects\":[]}]}";

        StudyScores scores = StudyScores.fromJson(json);

        assertThat(scores.images().get(0).nearMisses()).isEmpty();
    }

    private static FoundObject object(double epLoc, double alLoc, double epCls, double alCls) {
        return new FoundObject(new PixelBox(2, 3, 8, 9), "nodule", 0.7, new ObjectUncertainty(epLoc, alLoc, epCls, alCls));
    }
}
