package org.glean.pacs;

import java.io.IOException;
import java.util.List;

/** A source found by QIDO-RS and retrieved by WADO-RS (see {@link StudyRetrieval}). */
final class DicomWebSource implements StudySource {

    private final String name;
    private final DicomWebEndpoint endpoint;
    private final HttpDicomWebClient client;
    private final QidoStudyFinder finder;
    private final StudyRetrieval retrieval;

    DicomWebSource(String name, PacsConfig.Source settings, StudyRetrieval retrieval) {
        this.name = name;
        this.endpoint = settings.endpoint();
        this.client = new HttpDicomWebClient(endpoint);
        this.finder = new QidoStudyFinder(client, settings.studyQuery(), settings.pageSize());
        this.retrieval = retrieval;
    }

    @Override
    public List<StudyMatch> findStudies() throws IOException, InterruptedException {
        return finder.findStudies();
    }

    @Override
    public SourcePass.TakenStudy take(StudyMatch study) throws IOException, InterruptedException {
        return retrieval.retrieve(client, name, study.studyInstanceUid());
    }

    @Override
    public String describe() {
        return "DICOMweb at " + endpoint.origin();
    }
}
