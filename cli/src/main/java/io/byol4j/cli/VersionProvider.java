package io.byol4j.cli;

import picocli.CommandLine.IVersionProvider;

/** Reports the byol4j version from the jar manifest. */
final class VersionProvider implements IVersionProvider {
    @Override
    public String[] getVersion() {
        return new String[] {"byol4j " + version()};
    }

    /** The version from the jar manifest, or "development build". */
    static String version() {
        String v = Main.class.getPackage().getImplementationVersion();
        return v == null ? "development build" : v;
    }
}
