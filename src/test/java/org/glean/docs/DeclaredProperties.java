package org.glean.docs;

import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.ConfigMappingInterface.Property;
import io.smallrye.config.ConfigMappings;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.lang.reflect.AnnotatedElement;
import java.lang.reflect.Executable;
import java.lang.reflect.Field;
import java.lang.reflect.Parameter;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Properties;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.glean.server.GleanMain;

/**
 * Every {@code glean.*} property the server reads: the properties of each {@code @ConfigMapping}
 * interface in its compiled classes, named by SmallRye Config itself (nested groups, optionals,
 * collections and maps as the server reads them), each {@code @ConfigProperty} injection point,
 * and every key application.properties names, set or commented out ({@code #glean.x=}), which is
 * where a setting read before the configuration exists (at start-up, by name) is declared. Each
 * with its type in words where the code gives one, and the default that applies when nothing is
 * set (application.properties' value, else the code's).
 */
public final class DeclaredProperties {

    static final Path APPLICATION_PROPERTIES = Path.of("src/main/resources/application.properties");
    private static final String PREFIX = "glean.";
    private static final Pattern COMMENTED_OUT_KEY = Pattern.compile("#\\s*((?:%[a-z]+\\.)?glean\\.[a-z0-9.-]+)\\s*=.*");

    /**
     * A property as the code declares it; {@code type} empty when only application.properties
     * names it, {@code defaultValue} empty when it has none.
     */
    public record Declared(String name, Optional<String> type, Optional<String> defaultValue) {
    }

    private DeclaredProperties() {
    }

    /** By name. */
    public static SortedMap<String, Declared> ofServer() {
        Properties application = applicationProperties();
        List<Class<?>> classes = mainClasses();
        SortedMap<String, Declared> declared = new TreeMap<>();
        for (Class<?> type : classes) {
            ConfigMapping mapping = type.getAnnotation(ConfigMapping.class);
            if (mapping != null && mapping.prefix().startsWith(PREFIX)) {
                mappingProperties(type, mapping.prefix(), application).forEach(p -> declared.putIfAbsent(p.name(), p));
            }
        }
        for (Class<?> type : classes) {
            injectedProperties(type, application).forEach(p -> declared.putIfAbsent(p.name(), p));
        }
        for (String name : applicationPropertiesKeys()) {
            declared.putIfAbsent(name, new Declared(name, Optional.empty(),
                    effectiveDefault(name, Optional.empty(), application)));
        }
        return declared;
    }

    /**
     * The {@code glean.*} keys application.properties names, set or commented out, profiles
     * stripped ({@code %test.glean.x} is {@code glean.x}).
     */
    private static List<String> applicationPropertiesKeys() {
        Stream<String> commentedOut;
        try {
            commentedOut = Files.readAllLines(APPLICATION_PROPERTIES).stream()
                    .map(COMMENTED_OUT_KEY::matcher)
                    .filter(Matcher::matches)
                    .map(key -> key.group(1));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Stream.concat(applicationProperties().stringPropertyNames().stream(), commentedOut)
                .map(key -> key.startsWith("%") ? key.substring(key.indexOf('.') + 1) : key)
                .filter(key -> key.startsWith(PREFIX))
                .distinct()
                .sorted()
                .toList();
    }

    private static List<Declared> mappingProperties(Class<?> type, String prefix, Properties application) {
        List<Declared> properties = new ArrayList<>();
        Map<String, Property> byName = ConfigMappings.getProperties(new ConfigMappings.ConfigClass(type, prefix));
        byName.forEach((path, property) -> {
            // a collection is listed once as itself and once per element ("name[*]"): one property
            String name = path.replace("[*]", "");
            Optional<String> codeDefault = property.hasDefaultValue()
                    ? Optional.of(property.getDefaultValue()) : Optional.empty();
            properties.add(new Declared(name, Optional.of(typeInWords(property.getMethod().getGenericReturnType())),
                    effectiveDefault(name, codeDefault, application)));
        });
        return properties;
    }

    private static List<Declared> injectedProperties(Class<?> type, Properties application) {
        List<Declared> properties = new ArrayList<>();
        for (Field field : type.getDeclaredFields()) {
            injected(field, field.getGenericType(), application).ifPresent(properties::add);
        }
        List<Executable> executables = new ArrayList<>(Arrays.asList(type.getDeclaredConstructors()));
        executables.addAll(Arrays.asList(type.getDeclaredMethods()));
        for (Executable executable : executables) {
            for (Parameter parameter : executable.getParameters()) {
                injected(parameter, parameter.getParameterizedType(), application).ifPresent(properties::add);
            }
        }
        return properties;
    }

    private static Optional<Declared> injected(AnnotatedElement element, Type type, Properties application) {
        ConfigProperty property = element.getAnnotation(ConfigProperty.class);
        if (property == null || !property.name().startsWith(PREFIX)) {
            return Optional.empty();
        }
        Optional<String> codeDefault = property.defaultValue().equals(ConfigProperty.UNCONFIGURED_VALUE)
                ? Optional.empty() : Optional.of(property.defaultValue());
        return Optional.of(new Declared(property.name(), Optional.of(typeInWords(type)),
                effectiveDefault(property.name(), codeDefault, application)));
    }

    private static Optional<String> effectiveDefault(String name, Optional<String> codeDefault, Properties application) {
        return Optional.ofNullable(application.getProperty(name)).or(() -> codeDefault);
    }

    /** How the reference names a property's type. */
    static String typeInWords(Type type) {
        if (type instanceof ParameterizedType parameterized) {
            Class<?> raw = (Class<?>) parameterized.getRawType();
            if (raw == Optional.class) {
                return typeInWords(parameterized.getActualTypeArguments()[0]);
            }
            if (Collection.class.isAssignableFrom(raw)) {
                return "list";
            }
            if (Map.class.isAssignableFrom(raw)) {
                return "map";
            }
        }
        Class<?> plain = (Class<?>) type;
        if (plain.isEnum()) {
            List<String> values = Arrays.stream(plain.getEnumConstants())
                    .map(value -> "`" + ((Enum<?>) value).name().toLowerCase(Locale.ROOT).replace('_', '-') + "`")
                    .toList();
            return values.size() == 1 ? values.get(0)
                    : String.join(", ", values.subList(0, values.size() - 1)) + " or " + values.get(values.size() - 1);
        }
        if (plain == String.class) {
            return "string";
        }
        if (plain == boolean.class || plain == Boolean.class) {
            return "boolean";
        }
        if (plain == int.class || plain == Integer.class || plain == long.class || plain == Long.class
                || plain == OptionalInt.class || plain == OptionalLong.class) {
            return "integer";
        }
        if (plain == double.class || plain == Double.class || plain == float.class || plain == Float.class
                || plain == OptionalDouble.class) {
            return "number";
        }
        if (plain == Duration.class) {
            return "duration";
        }
        if (plain == MemorySize.class) {
            return "size";
        }
        if (plain == Path.class) {
            return "path";
        }
        throw new AssertionError("no word for the configuration type " + plain.getName()
                + ": add one to DeclaredProperties.typeInWords and to docs/operations.md's explanation");
    }

    private static Properties applicationProperties() {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(APPLICATION_PROPERTIES)) {
            properties.load(reader);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return properties;
    }

    /** Every class compiled from src/main/java under org.glean, loaded without initialising it. */
    private static List<Class<?>> mainClasses() {
        Path root;
        try {
            root = Path.of(GleanMain.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
        try (Stream<Path> files = Files.walk(root.resolve("org/glean"))) {
            return files.filter(file -> file.toString().endsWith(".class"))
                    .map(file -> root.relativize(file).toString().replace('/', '.').replaceAll("\\.class$", ""))
                    .sorted()
                    .<Class<?>>map(DeclaredProperties::load)
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Class<?> load(String name) {
        try {
            return Class.forName(name, false, DeclaredProperties.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException(e);
        }
    }
}
