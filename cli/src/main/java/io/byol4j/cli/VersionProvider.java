package io.byol4j.cli;

import picocli.CommandLine.IVersionProvider;

/** Reports the byol4j version from the jar manifest. */
final class VersionProvider implements IVersionProvider {
    @Override
    public String[] getVersion() {
        String v = Main.class.getPackage().getImplementationVersion();
        return new String[] {"byol4j " + (v == null ? "development build" : v)};
    }
}
