package io.github.fusedopt.testing;

import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestPlan;

/** Prints, at the end of a test run, how many generated cases its properties ran. */
public final class CaseCountListener implements TestExecutionListener {

    @Override
    public void testPlanExecutionFinished(TestPlan testPlan) {
        System.out.println("fusedopt: " + Property.casesRun() + " generated cases in " + Property.propertiesRun()
                + " property runs (-D" + Property.TRIES_PROPERTY + "=" + Property.tries() + ")");
    }
}
