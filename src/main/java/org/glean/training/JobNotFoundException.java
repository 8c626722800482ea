package org.glean.training;

/** No fine-tuning job has the id asked for. */
public class JobNotFoundException extends Exception {

    public JobNotFoundException(String message) {
        super(message);
    }
}
