package ai.matih.flowwatch.decode;

/** The built-in formats, for tests that decode records of one format without CDI. */
public final class Formats {

    public static final FlowFormats BUILT_IN = FlowFormats.builtIn();
    public static final FlowFormat AUDIT = BUILT_IN.named("audit");
    public static final FlowFormat CALICO = BUILT_IN.named("calico");
    public static final FlowFormat HUBBLE = BUILT_IN.named("hubble");

    private Formats() {}
}
