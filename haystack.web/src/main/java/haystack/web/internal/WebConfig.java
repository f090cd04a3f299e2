package haystack.web.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Settings of PID {@code haystack.web}; names map {@code _} to {@code .}. */
@ObjectClassDefinition(id = "haystack.web", name = "Haystack admin",
        description = "Admin JSON API, Prometheus metrics and dashboard")
public @interface WebConfig {

    @AttributeDefinition(description = "Port of the admin API, /metrics and the dashboard (HAYSTACK_ADMIN_PORT)")
    int port() default 1936;

    @AttributeDefinition(description = "Address the admin port binds to (HAYSTACK_ADMIN_BIND)")
    String bind() default "0.0.0.0";

    @AttributeDefinition(description = "DNS origin, shown on the dashboard (HAYSTACK_ORIGIN)")
    String origin() default "haystack";

    @AttributeDefinition(description = "User name for HTTP basic auth; with password set, every path needs it (HAYSTACK_ADMIN_USER)")
    String user() default "";

    @AttributeDefinition(type = org.osgi.service.metatype.annotations.AttributeType.PASSWORD,
            description = "Password for HTTP basic auth (HAYSTACK_ADMIN_PASSWORD)")
    String password() default "";

    @AttributeDefinition(description = "Registry changes kept for /api/changes, and events for /api/events to resume from (HAYSTACK_ADMIN_CHANGES_KEPT)")
    int changes_kept() default 200;
}
