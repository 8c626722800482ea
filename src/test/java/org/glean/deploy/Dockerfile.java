package org.glean.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Dockerfile read into its build stages and instructions: enough to check what an image is
 * built from and what it runs, without a Docker engine. Line continuations and comment lines are
 * handled as Docker does; {@code ${NAME}} is expanded from ARG defaults and ENV values.
 */
final class Dockerfile {

    private static final Pattern VARIABLE = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)}");

    record Instruction(String keyword, String arguments) {
    }

    /** One FROM and the instructions up to the next. */
    static final class Stage {
        final String image;
        final String alias;
        final List<Instruction> instructions = new ArrayList<>();
        final Map<String, String> args = new LinkedHashMap<>();
        final Map<String, String> env = new LinkedHashMap<>();

        Stage(String image, String alias) {
            this.image = image;
            this.alias = alias;
        }

        List<String> all(String keyword) {
            return instructions.stream().filter(i -> i.keyword().equals(keyword)).map(Instruction::arguments).toList();
        }

        Optional<String> last(String keyword) {
            List<String> found = all(keyword);
            return found.isEmpty() ? Optional.empty() : Optional.of(found.get(found.size() - 1));
        }

        /** ENTRYPOINT followed by CMD, both of which must be in exec (JSON) form. */
        List<String> command() {
            List<String> command = new ArrayList<>(execForm(last("ENTRYPOINT").orElse("[]")));
            command.addAll(execForm(last("CMD").orElse("[]")));
            return command;
        }

        /** The user of USER {@code user[:group]}. */
        Optional<String> user() {
            return last("USER").map(u -> u.split(":")[0]);
        }

        Optional<String> group() {
            return last("USER").filter(u -> u.contains(":")).map(u -> u.split(":")[1]);
        }

        List<Integer> exposedPorts() {
            List<Integer> ports = new ArrayList<>();
            for (String arguments : all("EXPOSE")) {
                for (String port : arguments.trim().split("\\s+")) {
                    ports.add(Integer.parseInt(port.replaceAll("/(tcp|udp)$", "")));
                }
            }
            return ports;
        }

        /** The COPY instructions as (from stage or null, sources..., destination). */
        List<Copy> copies() {
            List<Copy> copies = new ArrayList<>();
            for (String arguments : all("COPY")) {
                List<String> words = new ArrayList<>(List.of(arguments.trim().split("\\s+")));
                String from = null;
                while (!words.isEmpty() && words.get(0).startsWith("--")) {
                    String flag = words.remove(0);
                    if (flag.startsWith("--from=")) {
                        from = flag.substring("--from=".length());
                    }
                }
                copies.add(new Copy(from, words.subList(0, words.size() - 1), words.get(words.size() - 1)));
            }
            return copies;
        }

        String expand(String text) {
            Map<String, String> values = new LinkedHashMap<>(args);
            values.putAll(env);
            return Dockerfile.expand(text, values);
        }
    }

    record Copy(String fromStage, List<String> sources, String destination) {
    }

    final Path file;
    final Map<String, String> globalArgs = new LinkedHashMap<>();
    final List<Stage> stages = new ArrayList<>();

    private Dockerfile(Path file) {
        this.file = file;
    }

    static Dockerfile read(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        Dockerfile dockerfile = new Dockerfile(file);
        for (Instruction instruction : instructions(lines)) {
            dockerfile.add(instruction);
        }
        return dockerfile;
    }

    Stage finalStage() {
        return stages.get(stages.size() - 1);
    }

    Stage stage(String alias) {
        return stages.stream()
                .filter(s -> alias.equals(s.alias))
                .findFirst()
                .orElseThrow(() -> new AssertionError(file + " has no stage " + alias));
    }

    private void add(Instruction instruction) {
        if (instruction.keyword().equals("FROM")) {
            String[] words = expand(instruction.arguments(), globalArgs).trim().split("\\s+");
            String alias = words.length == 3 && words[1].equalsIgnoreCase("AS") ? words[2] : null;
            stages.add(new Stage(words[0], alias));
            return;
        }
        if (stages.isEmpty()) {
            if (!instruction.keyword().equals("ARG")) {
                throw new AssertionError(file + ": " + instruction.keyword() + " before the first FROM");
            }
            putArg(globalArgs, instruction.arguments());
            return;
        }
        Stage stage = stages.get(stages.size() - 1);
        stage.instructions.add(instruction);
        if (instruction.keyword().equals("ARG")) {
            putArg(stage.args, instruction.arguments());
        } else if (instruction.keyword().equals("ENV")) {
            stage.env.putAll(keyValues(instruction.arguments()));
        }
    }

    private static void putArg(Map<String, String> args, String arguments) {
        String[] nameAndDefault = arguments.trim().split("=", 2);
        args.put(nameAndDefault[0], nameAndDefault.length == 2 ? unquote(nameAndDefault[1]) : "");
    }

    /** Logical instructions: continuation lines joined, comment and blank lines dropped. */
    static List<Instruction> instructions(List<String> lines) {
        List<Instruction> instructions = new ArrayList<>();
        StringBuilder logical = new StringBuilder();
        for (String line : lines) {
            String trimmed = line.strip();
            if (trimmed.startsWith("#") || (trimmed.isEmpty() && logical.length() == 0)) {
                continue;
            }
            if (trimmed.endsWith("\\")) {
                logical.append(trimmed, 0, trimmed.length() - 1).append(' ');
                continue;
            }
            logical.append(trimmed);
            String text = logical.toString().strip();
            logical.setLength(0);
            if (text.isEmpty()) {
                continue;
            }
            String[] keywordAndArguments = text.split("\\s+", 2);
            instructions.add(new Instruction(keywordAndArguments[0].toUpperCase(Locale.ROOT),
                    keywordAndArguments.length == 2 ? keywordAndArguments[1] : ""));
        }
        if (logical.length() > 0) {
            throw new AssertionError("the last instruction ends with a line continuation");
        }
        return instructions;
    }

    /** {@code K=V K2="v w"} as a map. */
    static Map<String, String> keyValues(String arguments) {
        Map<String, String> values = new LinkedHashMap<>();
        for (String word : words(arguments)) {
            String[] keyAndValue = word.split("=", 2);
            if (keyAndValue.length != 2) {
                throw new AssertionError("ENV " + arguments + ": use the KEY=value form");
            }
            values.put(keyAndValue[0], unquote(keyAndValue[1]));
        }
        return values;
    }

    /** Splits on white space outside double quotes, keeping the quotes. */
    private static List<String> words(String text) {
        List<String> words = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        boolean quoted = false;
        for (char c : text.toCharArray()) {
            if (c == '"') {
                quoted = !quoted;
            }
            if (Character.isWhitespace(c) && !quoted) {
                if (word.length() > 0) {
                    words.add(word.toString());
                    word.setLength(0);
                }
            } else {
                word.append(c);
            }
        }
        if (word.length() > 0) {
            words.add(word.toString());
        }
        return words;
    }

    private static String unquote(String value) {
        return value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")
                ? value.substring(1, value.length() - 1)
                : value;
    }

    private static List<String> execForm(String arguments) {
        if (!arguments.strip().startsWith("[")) {
            throw new AssertionError("shell form " + arguments
                    + ": use the exec (JSON) form so that java is process 1 and receives SIGTERM");
        }
        try {
            JsonNode array = new ObjectMapper().readTree(arguments);
            List<String> words = new ArrayList<>();
            array.forEach(w -> words.add(w.asText()));
            return words;
        } catch (IOException e) {
            throw new AssertionError("not a JSON array: " + arguments, e);
        }
    }

    static String expand(String text, Map<String, String> values) {
        Matcher matcher = VARIABLE.matcher(text);
        StringBuilder expanded = new StringBuilder();
        while (matcher.find()) {
            String value = values.get(matcher.group(1));
            matcher.appendReplacement(expanded, Matcher.quoteReplacement(value != null ? value : matcher.group()));
        }
        matcher.appendTail(expanded);
        return expanded.toString();
    }
}
