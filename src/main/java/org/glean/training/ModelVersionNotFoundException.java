package org.glean.training;

/** No model version has the id asked for. */
public class ModelVersionNotFoundException extends Exception {

    public ModelVersionNotFoundException(String message) {
        super(message);
    }
}
