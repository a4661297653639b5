package io.github.fusedopt.cli;

/** A problem with one input file of a command: reported in one line, exit status 2. */
final class BadInputException extends Exception {

    BadInputException(String file, String problem) {
        super(file + ": " + problem);
    }
}
