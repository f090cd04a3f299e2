package haystack.lb.internal.tls;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Settings of PID {@code haystack.tls}: where certificates come from and where the default one is kept. */
@ObjectClassDefinition(id = "haystack.tls", name = "Haystack TLS certificates",
        description = "Certificates the HTTPS listener serves: the watched directory and the data directory")
public @interface TlsConfig {

    @AttributeDefinition(description = "Directory of PEM certificates and keys served by SNI, watched (HAYSTACK_TLS_DIR)")
    String dir() default "tls";

    @AttributeDefinition(description = "Directory where the generated default certificate is kept (HAYSTACK_DATA)")
    String data() default "data";
}
