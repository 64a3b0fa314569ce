package io.byol4j.cli;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The SDK's API boundary (docs/sdk-api.md), checked on the compiled classes of every module: the public packages
 * hold exactly the listed public types, public signatures never mention {@code io.byol4j.sdk.internal}, and the
 * SDK never depends on DJL. Changing the public API means changing {@link #PUBLIC_API} on purpose.
 */
class ApiBoundaryTest {

    static final String INTERNAL = "io.byol4j.sdk.internal..";

    static final Map<String, List<String>> PUBLIC_API = Map.of(
            "io.byol4j.sdk.classify", List.of("Classification", "Classifier", "Prediction"),
            "io.byol4j.sdk.data",
                    List.of(
                            "Cifar10BinaryDataset",
                            "Dataset",
                            "Datasets",
                            "FlatFolderDataset",
                            "IdxDataset",
                            "ImageFolderDataset",
                            "InMemoryDataset",
                            "LabelFractions",
                            "Sample",
                            "Split",
                            "Subset",
                            "SyntheticDataset"),
            "io.byol4j.sdk.encoder",
                    List.of(
                            "BatcherOptions",
                            "BatcherStats",
                            "BulkExtractor",
                            "DynamicBatcher",
                            "Encoder",
                            "EncoderException",
                            "EncoderOptions",
                            "ImageEmbedding",
                            "ModelRejectedException"),
            "io.byol4j.sdk.features", List.of("FeatureFile", "FeatureFileException", "FeatureSet", "FeatureWriter"),
            "io.byol4j.sdk.head",
                    List.of(
                            "KnnClassifier",
                            "LabelPropagation",
                            "LogisticRegression",
                            "PseudoLabelProbe",
                            "SemiSupervisedEval"),
            "io.byol4j.sdk.image", List.of("DecodedImage", "ImageDecodeException", "ImageDecoder", "Preprocessor"),
            "io.byol4j.sdk.model", List.of("ModelContract"));

    static JavaClasses all;

    @BeforeAll
    static void importClasses() {
        all = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.byol4j");
    }

    @Test
    void publicPackagesHoldExactlyTheListedTypes() {
        Map<String, List<String>> actual = new TreeMap<>();
        for (JavaClass c : all) {
            String pkg = c.getPackageName();
            // io.byol4j.sdk.testing is the sdk's test-jar (test helpers), on this class path for the tests
            if (pkg.startsWith("io.byol4j.sdk")
                    && !pkg.startsWith("io.byol4j.sdk.internal")
                    && !pkg.startsWith("io.byol4j.sdk.testing")
                    && c.isTopLevelClass()
                    && c.getModifiers().contains(JavaModifier.PUBLIC)) {
                actual.computeIfAbsent(pkg, k -> new java.util.ArrayList<>()).add(c.getSimpleName());
            }
        }
        actual.replaceAll((k, v) -> v.stream().sorted().toList());
        assertEquals(
                new TreeMap<>(PUBLIC_API),
                actual,
                "public SDK types changed: make new ones package-private or internal, or update PUBLIC_API");
    }

    @Test
    void publicSignaturesDoNotExposeInternals() {
        classes()
                .that()
                .resideInAnyPackage(PUBLIC_API.keySet().toArray(String[]::new))
                .and()
                .arePublic()
                .should(new com.tngtech.archunit.lang.ArchCondition<JavaClass>("not expose internal types") {
                    @Override
                    public void check(JavaClass c, com.tngtech.archunit.lang.ConditionEvents events) {
                        c.getMethods().stream()
                                .filter(m -> m.getModifiers().contains(JavaModifier.PUBLIC))
                                .forEach(m -> {
                                    var types = new TreeSet<String>();
                                    types.add(m.getRawReturnType().getName());
                                    m.getRawParameterTypes().forEach(p -> types.add(p.getName()));
                                    types.stream()
                                            .filter(t -> t.startsWith("io.byol4j.sdk.internal"))
                                            .forEach(t ->
                                                    events.add(com.tngtech.archunit.lang.SimpleConditionEvent.violated(
                                                            m, m.getFullName() + " exposes " + t)));
                                });
                    }
                })
                .check(all);
    }

    @Test
    void sdkNeverDependsOnDjl() {
        noClasses()
                .that()
                .resideInAPackage("io.byol4j.sdk..")
                .should()
                .dependOnClassesThat()
                .resideInAPackage("ai.djl..")
                .check(all);
    }

    @Test
    void onlyByol4jUsesTheInternals() {
        classes()
                .that()
                .resideInAPackage(INTERNAL)
                .should()
                .onlyBeAccessed()
                .byClassesThat()
                .resideInAPackage("io.byol4j..")
                .check(all);
    }
}
