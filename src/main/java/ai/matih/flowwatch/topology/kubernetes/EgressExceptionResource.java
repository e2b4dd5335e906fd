package ai.matih.flowwatch.topology.kubernetes;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.Singular;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * The {@code flowwatch.matih.ai/v1 EgressException} custom resource: a declared exception to the tenant egress rule.
 * The CRD ({@code deploy/kubernetes/base/egressexceptions.flowwatch.matih.ai.yaml}) is generated from this class and
 * {@link EgressExceptionSpec}; the values are checked as in manifests when the object is read.
 */
@Group(EgressExceptionResource.GROUP)
@Version(EgressExceptionResource.VERSION)
@Kind("EgressException")
@Plural("egressexceptions")
@Singular("egressexception")
@AdditionalPrinterColumn(
        name = "Age",
        jsonPath = ".metadata.creationTimestamp",
        type = AdditionalPrinterColumn.Type.DATE)
public class EgressExceptionResource extends CustomResource<EgressExceptionSpec, Void> implements Namespaced {

    /** The API group. */
    public static final String GROUP = "flowwatch.matih.ai";
    /** The API version. */
    public static final String VERSION = "v1";
}
