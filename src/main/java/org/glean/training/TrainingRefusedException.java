package org.glean.training;

/**
 * A fine-tuning or promotion request that cannot be carried out in the state things are in (a job
 * runs already, no model is current, nothing to roll back to, ...); the message says which.
 */
public class TrainingRefusedException extends Exception {

    public TrainingRefusedException(String reason) {
        super(reason);
    }
}
