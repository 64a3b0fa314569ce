package io.byol4j.grpc.kserve;

import inference.InferParameter;
import inference.ModelInferRequest;
import io.grpc.StatusException;
import java.time.Duration;
import java.util.Map;
import java.util.Set;

/**
 * What ModelInfer does with the {@code parameters} of a request, of its input and of its requested
 * outputs. The choices follow Triton's gRPC front end, so that Triton's clients behave as they do there:
 *
 * <ul>
 *   <li>request {@code timeout} (int64, microseconds) shortens the call's deadline; {@code priority}
 *       (int64 &gt;= 0) is accepted and has no effect (one priority level, as Triton's default scheduler);
 *       {@code sequence_id}, {@code sequence_start}, {@code sequence_end} are refused (the models are
 *       stateless: there is no sequence batching); keys starting with {@code triton_} are refused except
 *       {@code triton_enable_empty_final_response} (only meaningful for streaming; no effect);
 *   <li>output {@code classification} (int64 &gt; 0) returns the top-k classes of that output (see
 *       {@link TopK});
 *   <li>{@code shared_memory_region}, {@code shared_memory_offset} and {@code shared_memory_byte_size} on
 *       an input or output are refused: this server has no shared-memory extension;
 *   <li>any other parameter is accepted and ignored (Triton hands such custom parameters to the model's
 *       backend, and the ONNX Runtime backend ignores them), including the HTTP-only
 *       {@code binary_data_output} and {@code binary_data}; a parameter with no value set is refused.
 * </ul>
 *
 * Every refusal is INVALID_ARGUMENT naming the parameter and where it was found.
 */
final class InferParameters {

    static final String TIMEOUT = "timeout";
    static final String PRIORITY = "priority";
    static final String CLASSIFICATION = "classification";
    private static final Set<String> SEQUENCE = Set.of("sequence_id", "sequence_start", "sequence_end");
    private static final Set<String> SHARED_MEMORY =
            Set.of("shared_memory_region", "shared_memory_offset", "shared_memory_byte_size");
    private static final long MAX_TIMEOUT_MICROS = Duration.ofDays(1).toNanos() / 1000;
    private static final String TRITON_PREFIX = "triton_";
    private static final String TRITON_EMPTY_FINAL = "triton_enable_empty_final_response";

    private InferParameters() {}

    /**
     * Checks the request's, its inputs' and its outputs' parameters.
     *
     * @return the deadline the request's {@code timeout} sets, or null without one
     * @throws StatusException INVALID_ARGUMENT naming a refused parameter
     */
    static Duration check(ModelInferRequest request) throws StatusException {
        Duration timeout = null;
        for (Map.Entry<String, InferParameter> p : request.getParametersMap().entrySet()) {
            String key = p.getKey();
            InferParameter value = p.getValue();
            String where = "request parameter '" + key + "'";
            checkSet(where, value);
            if (SEQUENCE.contains(key)) {
                throw TensorCodec.invalid(where + " is not supported: the served models are stateless and this"
                        + " server has no sequence batching");
            } else if (key.equals(TIMEOUT)) {
                long micros = int64(where, value);
                if (micros < 0) {
                    throw TensorCodec.invalid(where + " must be >= 0 microseconds, got " + micros);
                }
                // 0 means no timeout, as in Triton; anything beyond a day is a day (far past any gRPC deadline).
                timeout = micros == 0 ? null : Duration.ofNanos(Math.min(micros, MAX_TIMEOUT_MICROS) * 1000L);
            } else if (key.equals(PRIORITY)) {
                long priority = int64(where, value);
                if (priority < 0) {
                    throw TensorCodec.invalid(where + " must be >= 0, got " + priority);
                }
            } else if (key.startsWith(TRITON_PREFIX)) {
                if (!key.equals(TRITON_EMPTY_FINAL)) {
                    throw TensorCodec.invalid(where + ": parameter keys starting with '" + TRITON_PREFIX
                            + "' are reserved; the only one accepted is '" + TRITON_EMPTY_FINAL + "'");
                }
                if (value.getParameterChoiceCase() != InferParameter.ParameterChoiceCase.BOOL_PARAM) {
                    throw TensorCodec.invalid(where + " must be a bool_param");
                }
            }
        }
        for (ModelInferRequest.InferInputTensor input : request.getInputsList()) {
            checkTensor("input '" + input.getName() + "'", input.getParametersMap());
        }
        for (ModelInferRequest.InferRequestedOutputTensor output : request.getOutputsList()) {
            checkTensor("output '" + output.getName() + "'", output.getParametersMap());
            classification(output);
        }
        return timeout;
    }

    /**
     * The number of classes the output's {@code classification} parameter asks for, or 0 without one.
     *
     * @throws StatusException INVALID_ARGUMENT when it is not an int64 above 0
     */
    static int classification(ModelInferRequest.InferRequestedOutputTensor output) throws StatusException {
        InferParameter p = output.getParametersMap().get(CLASSIFICATION);
        if (p == null) {
            return 0;
        }
        String where = "parameter '" + CLASSIFICATION + "' of output '" + output.getName() + "'";
        long count = int64(where, p);
        if (count <= 0) {
            throw TensorCodec.invalid(where + " must be > 0 (the number of top classes), got " + count);
        }
        return (int) Math.min(Integer.MAX_VALUE, count);
    }

    private static void checkTensor(String tensor, Map<String, InferParameter> parameters) throws StatusException {
        for (Map.Entry<String, InferParameter> p : parameters.entrySet()) {
            String where = "parameter '" + p.getKey() + "' of " + tensor;
            checkSet(where, p.getValue());
            if (SHARED_MEMORY.contains(p.getKey())) {
                throw TensorCodec.invalid(where + " is not supported: this server has no shared-memory extension;"
                        + " send the data in contents or raw_input_contents");
            }
        }
    }

    private static void checkSet(String where, InferParameter value) throws StatusException {
        if (value.getParameterChoiceCase() == InferParameter.ParameterChoiceCase.PARAMETERCHOICE_NOT_SET) {
            throw TensorCodec.invalid(where + " has no value (expected bool_param, int64_param or string_param)");
        }
    }

    private static long int64(String where, InferParameter value) throws StatusException {
        if (value.getParameterChoiceCase() != InferParameter.ParameterChoiceCase.INT64_PARAM) {
            throw TensorCodec.invalid(where + " must be an int64_param, got " + value.getParameterChoiceCase());
        }
        return value.getInt64Param();
    }
}
