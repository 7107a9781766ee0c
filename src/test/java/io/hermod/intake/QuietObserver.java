package io.hermod.intake;

import io.hermod.spool.Envelope;

/** An observer that ignores everything; a test overrides what it records. */
class QuietObserver implements IntakeObserver {

    @Override
    public void reply(int code) {
    }

    @Override
    public void accepted(Envelope envelope) {
    }

    @Override
    public void refused(String result) {
    }
}
