package org.glean.web.console;

import io.grpc.ManagedChannel;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.glean.proto.v1.ListModelsRequest;
import org.glean.proto.v1.ModelVersion;
import org.glean.proto.v1.ModelsGrpc;

/** The model versions as the gRPC API answers them, to check what the console did against. */
final class ModelVersions {

    private static final long DEADLINE_SECONDS = 60;

    private ModelVersions() {
    }

    static List<ModelVersion> list(ManagedChannel channel) {
        return ModelsGrpc.newBlockingStub(channel).withDeadlineAfter(DEADLINE_SECONDS, TimeUnit.SECONDS)
                .listModels(ListModelsRequest.getDefaultInstance()).getVersionsList();
    }

    /** The id of the current version. */
    static String current(ManagedChannel channel) {
        return list(channel).stream().filter(version -> version.getState() == ModelVersion.State.CURRENT).findFirst()
                .orElseThrow().getVersionId();
    }
}
