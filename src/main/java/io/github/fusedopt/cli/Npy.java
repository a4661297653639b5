package io.github.fusedopt.cli;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads and writes NumPy {@code .npy} files (format versions 1.0, 2.0 and 3.0): little-endian
 * {@code float32}/{@code float64} arrays in C order. Anything else is rejected with a message
 * naming the problem.
 */
final class Npy {

    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};

    private Npy() {
    }

    /**
     * Reads a file whose dtype is one of {@code dtypes} and whose rank is {@code rank}.
     *
     * @throws BadInputException naming the file and what is wrong with it
     */
    static NpyArray read(Path file, Set<String> dtypes, int rank) throws BadInputException {
        String name = file.getFileName().toString();
        return parse(name, InputFile.read(file, name), dtypes, rank);
    }

    static NpyArray parse(String name, ByteBuffer bytes, Set<String> dtypes, int rank) throws BadInputException {
        bytes = bytes.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        if (bytes.remaining() < MAGIC.length + 4) {
            throw new BadInputException(name, "too short to be a .npy file");
        }
        for (byte b : MAGIC) {
            if (bytes.get() != b) {
                throw new BadInputException(name, "not a .npy file (bad magic)");
            }
        }
        int major = bytes.get() & 0xff;
        bytes.get();
        long headerLength;
        if (major == 1) {
            headerLength = bytes.getShort() & 0xffff;
        } else if (major == 2 || major == 3) {
            if (bytes.remaining() < 4) {
                throw new BadInputException(name, "truncated header");
            }
            headerLength = bytes.getInt() & 0xffffffffL;
        } else {
            throw new BadInputException(name, "unsupported .npy format version " + major);
        }
        if (headerLength > bytes.remaining()) {
            throw new BadInputException(name, "truncated header: " + headerLength + " bytes announced, "
                    + bytes.remaining() + " present");
        }
        byte[] headerBytes = new byte[(int) headerLength];
        bytes.get(headerBytes);
        String header = new String(headerBytes, major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        Map<String, Object> dict = new HeaderParser(name, header).parse();

        if (!dict.keySet().equals(Set.of("descr", "fortran_order", "shape"))) {
            throw new BadInputException(name, "header keys " + dict.keySet()
                    + ", expected descr, fortran_order and shape");
        }
        if (!(dict.get("descr") instanceof String dtype)) {
            throw new BadInputException(name, "descr is not a string");
        }
        if (!(dict.get("fortran_order") instanceof Boolean fortranOrder)) {
            throw new BadInputException(name, "fortran_order is not True or False");
        }
        if (!(dict.get("shape") instanceof long[] shape)) {
            throw new BadInputException(name, "shape is not a tuple of integers");
        }
        if (!dtypes.contains(dtype)) {
            String hint = dtype.startsWith(">") ? " (big-endian data is not supported)" : "";
            throw new BadInputException(name, "dtype '" + dtype + "'" + hint + ", expected "
                    + String.join(" or ", dtypes.stream().sorted().map(d -> "'" + d + "'").toList()));
        }
        if (shape.length != rank) {
            throw new BadInputException(name, "shape " + shapeString(shape) + " has " + shape.length
                    + " dimension(s), expected " + rank);
        }
        int nonTrivialDims = 0;
        for (long dim : shape) {
            if (dim > 1) {
                nonTrivialDims++;
            }
        }
        if (fortranOrder && nonTrivialDims > 1) {
            throw new BadInputException(name, "fortran_order is True; save a C-ordered array "
                    + "(numpy.ascontiguousarray)");
        }
        long expected = dtype.endsWith("8") ? Double.BYTES : Float.BYTES;
        try {
            for (long dim : shape) {
                expected = Math.multiplyExact(expected, dim);
            }
        } catch (ArithmeticException e) {
            throw new BadInputException(name, "shape " + shapeString(shape) + " is too large");
        }
        if (bytes.remaining() < expected) {
            throw new BadInputException(name, "truncated: shape " + shapeString(shape) + " needs " + expected
                    + " bytes of data, the file holds " + bytes.remaining());
        }
        if (bytes.remaining() > expected) {
            throw new BadInputException(name, (bytes.remaining() - expected) + " unexpected bytes after the data of shape "
                    + shapeString(shape));
        }
        return new NpyArray(dtype, shape, bytes.slice());
    }

    static String shapeString(long[] shape) {
        StringBuilder s = new StringBuilder("(");
        for (int i = 0; i < shape.length; i++) {
            s.append(shape[i]).append(i == 0 && shape.length == 1 ? "," : "").append(i < shape.length - 1 ? ", " : "");
        }
        return s.append(")").toString();
    }

    /** The Python dict literal of a header: strings, True/False and tuples of integers. */
    private static final class HeaderParser {
        private final String file;
        private final String text;
        private int pos;

        HeaderParser(String file, String text) {
            this.file = file;
            this.text = text;
        }

        Map<String, Object> parse() throws BadInputException {
            Map<String, Object> dict = new HashMap<>();
            expect('{');
            while (peek() != '}') {
                String key = string();
                expect(':');
                if (dict.put(key, value()) != null) {
                    throw bad("key '" + key + "' appears twice");
                }
                if (peek() == ',') {
                    pos++;
                } else if (peek() != '}') {
                    throw bad("expected ',' or '}' at position " + pos);
                }
            }
            pos++;
            if (!text.substring(pos).chars().allMatch(c -> isPythonWhitespace((char) c))) {
                throw bad("unexpected text after the header dict");
            }
            return dict;
        }

        private Object value() throws BadInputException {
            char c = peek();
            if (c == '\'' || c == '"') {
                return string();
            }
            if (c == '(') {
                return tuple();
            }
            if (text.startsWith("True", pos)) {
                pos += 4;
                return Boolean.TRUE;
            }
            if (text.startsWith("False", pos)) {
                pos += 5;
                return Boolean.FALSE;
            }
            throw bad("unexpected value at position " + pos);
        }

        /** A Python tuple of non-negative int literals: {@code ()}, {@code (n,)}, {@code (n, m)}... */
        private long[] tuple() throws BadInputException {
            expect('(');
            List<Long> dims = new ArrayList<>();
            boolean trailingComma = false;
            while (peek() != ')') {
                dims.add(integer());
                trailingComma = false;
                if (peek() == ',') {
                    pos++;
                    trailingComma = true;
                } else if (peek() != ')') {
                    throw bad("expected ',' or ')' in shape at position " + pos);
                }
            }
            pos++;
            if (dims.size() == 1 && !trailingComma) {
                throw bad("shape (" + dims.get(0) + ") is an integer in parentheses, not a tuple; write ("
                        + dims.get(0) + ",)");
            }
            return dims.stream().mapToLong(Long::longValue).toArray();
        }

        /**
         * A Python decimal int literal: ASCII digits, single underscores between them, and no
         * leading zero unless every digit is 0 (what {@code ast.literal_eval} accepts).
         */
        private long integer() throws BadInputException {
            int start = pos;
            StringBuilder digits = new StringBuilder();
            while (pos < text.length() && (isAsciiDigit(text.charAt(pos))
                    || text.charAt(pos) == '_' && pos > start && pos + 1 < text.length()
                    && isAsciiDigit(text.charAt(pos + 1)) && isAsciiDigit(text.charAt(pos - 1)))) {
                if (text.charAt(pos) != '_') {
                    digits.append(text.charAt(pos));
                }
                pos++;
            }
            String literal = text.substring(start, pos);
            if (digits.isEmpty()) {
                throw bad("shape holds a non-integer at position " + start);
            }
            if (digits.charAt(0) == '0' && !digits.chars().allMatch(c -> c == '0')) {
                throw bad("shape dimension " + literal + " has a leading zero, which Python does not accept");
            }
            try {
                return Long.parseLong(digits.toString());
            } catch (NumberFormatException e) {
                throw bad("shape dimension " + literal + " is too large");
            }
        }

        private static boolean isAsciiDigit(char c) {
            return c >= '0' && c <= '9';
        }

        private String string() throws BadInputException {
            char quote = peek();
            if (quote != '\'' && quote != '"') {
                throw bad("expected a quoted string at position " + pos);
            }
            int end = text.indexOf(quote, ++pos);
            if (end < 0) {
                throw bad("unterminated string");
            }
            String s = text.substring(pos, end);
            pos = end + 1;
            return s;
        }

        private void expect(char c) throws BadInputException {
            if (peek() != c) {
                throw bad("expected '" + c + "' at position " + pos);
            }
            pos++;
        }

        private char peek() throws BadInputException {
            while (pos < text.length() && isPythonWhitespace(text.charAt(pos))) {
                pos++;
            }
            if (pos >= text.length()) {
                throw bad("header ends early");
            }
            return text.charAt(pos);
        }

        /** Blanks Python's tokenizer skips inside a literal; not Unicode spaces. */
        private static boolean isPythonWhitespace(char c) {
            return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
        }

        private BadInputException bad(String problem) {
            return new BadInputException(file, "malformed header: " + problem);
        }
    }
}
