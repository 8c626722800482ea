package org.glean.web;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.glean.security.AuditAction;

/**
 * The audit action of a REST resource method, for the row of a refused request; a method
 * without one is recorded as {@link AuditAction#WEB_REQUEST}.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface AuditedAs {
    AuditAction value();
}
