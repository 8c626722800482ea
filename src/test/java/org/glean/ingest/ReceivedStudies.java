package org.glean.ingest;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Observes StudyReceived the way the scoring step will, and remembers what it saw. */
@ApplicationScoped
public class ReceivedStudies {

    private final List<StudyReceived> events = new CopyOnWriteArrayList<>();

    void onStudyReceived(@Observes StudyReceived event) {
        events.add(event);
    }

    /** Events seen for one study, oldest first. */
    public List<StudyReceived> of(String studyInstanceUid) {
        return events.stream().filter(event -> event.studyInstanceUid().equals(studyInstanceUid)).toList();
    }
}
