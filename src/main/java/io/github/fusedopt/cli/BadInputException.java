package io.github.fusedopt.cli;

/** A problem with one input file of a command: reported in one line, exit status 2. */
final class BadInputException extends Exception {

    private static final long serialVersionUID = 1L;

    BadInputException(String file, String problem) {
        super(file + ": " + problem);
    }
}
