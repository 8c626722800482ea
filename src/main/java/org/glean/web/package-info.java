/**
 * The browser workspace: the session (sign-in by cookie), the JSON refusals and CSRF guard every
 * REST resource shares, and the pages under META-INF/resources. Resources are thin, like the gRPC
 * services of {@code api}: translate, check the caller (its token's roles, {@code @RolesAllowed}),
 * call a service. The acting identity is the token's subject ({@link org.glean.web.WebCaller}),
 * never a request field.
 */
package org.glean.web;
