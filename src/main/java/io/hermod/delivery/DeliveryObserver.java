package io.hermod.delivery;

/** Told about every reply a next hop sends and every transaction's duration (for metrics). */
public interface DeliveryObserver {

    DeliveryObserver NONE = new DeliveryObserver() {
        @Override
        public void reply(ClientStep step, int code) {
        }

        @Override
        public void transaction(long nanos) {
        }
    };

    void reply(ClientStep step, int code);

    void transaction(long nanos);
}
