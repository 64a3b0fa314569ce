/**
 * Not API: helpers the SDK shares with byol4j's own modules (trainer, exporter, cli, grpc-server). Anything
 * here may change or disappear in any release; applications must not use it (the module does not export it,
 * and an architecture test keeps byol4j's public signatures free of it).
 */
package io.byol4j.sdk.internal;
