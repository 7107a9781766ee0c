package io.hermod.spool;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.DBOptions;
import org.rocksdb.RocksDB;

class SuppressionsTest {

    private static final long NOW = 1_700_000_000_000L;

    @TempDir
    Path dir;

    private static void await(java.util.concurrent.CompletableFuture<Void> f) throws Exception {
        f.get(10, TimeUnit.SECONDS);
    }

    @Test
    void addedEntry_survivesReopen_andMatchesInAnyCase() throws Exception {
        try (Spool spool = Spool.open(dir)) {
            await(spool.suppressions().add(new Suppression("Example.COM", "Gone@Dest.Test", "invalid-recipient", NOW, 0)));
        }
        try (Spool spool = Spool.open(dir)) {
            assertThat(spool.suppressions().lookup("example.com", "gone@dest.test", NOW + 1))
                    .contains(new Suppression("example.com", "gone@dest.test", "invalid-recipient", NOW, 0));
            assertThat(spool.suppressions().lookup("EXAMPLE.com", "GONE@dest.test", NOW)).isPresent();
            assertThat(spool.suppressions().lookup("", "gone@dest.test", NOW)).isEmpty();
            assertThat(spool.suppressions().lookup("example.org", "gone@dest.test", NOW)).isEmpty();
        }
    }

    @Test
    void removedEntry_isGone_afterReopenToo() throws Exception {
        try (Spool spool = Spool.open(dir)) {
            await(spool.suppressions().add(new Suppression("", "x@dest.test", Suppression.MANUAL, NOW, 0)));
            await(spool.suppressions().remove("", "X@dest.test"));
            assertThat(spool.suppressions().lookup("", "x@dest.test", NOW)).isEmpty();
        }
        try (Spool spool = Spool.open(dir)) {
            assertThat(spool.suppressions().lookup("", "x@dest.test", NOW)).isEmpty();
        }
    }

    @Test
    void expiredEntry_readsAsAbsent_inLookupAndPage() throws Exception {
        try (Spool spool = Spool.open(dir)) {
            Suppressions list = spool.suppressions();
            await(list.add(new Suppression("", "old@dest.test", "inactive-mailbox", NOW, NOW + 1000)));

            assertThat(list.lookup("", "old@dest.test", NOW + 999)).isPresent();
            assertThat(list.lookup("", "old@dest.test", NOW + 1000)).isEmpty();
            assertThat(list.page(null, null, 10, NOW + 1000)).isEmpty();
        }
    }

    @Test
    void purgeExpired_removesOnlyExpiredEntries_forGood() throws Exception {
        try (Spool spool = Spool.open(dir)) {
            Suppressions list = spool.suppressions();
            List<Suppression> entries = new ArrayList<>();
            for (int i = 0; i < 2_500; i++) { // more than one purge batch
                entries.add(new Suppression("", "old" + i + "@dest.test", "complaint", NOW, NOW + 10));
            }
            entries.add(new Suppression("", "kept@dest.test", "complaint", NOW, NOW + 1_000));
            entries.add(new Suppression("example.com", "forever@dest.test", Suppression.MANUAL, NOW, 0));
            await(list.addAll(entries));

            assertThat(list.purgeExpired(NOW + 500)).isEqualTo(2_500);

            assertThat(list.page(null, null, 10, NOW)).extracting(Suppression::address)
                    .containsExactly("kept@dest.test", "forever@dest.test");
            assertThat(list.purgeExpired(NOW + 500)).isZero();
            assertThat(list.estimatedEntries()).isPositive();
        }
    }

    @Test
    void find_matchesGlobalEntry_orTheSendersDomain_only() throws Exception {
        try (Spool spool = Spool.open(dir)) {
            Suppressions list = spool.suppressions();
            await(list.add(new Suppression("", "all@dest.test", Suppression.MANUAL, NOW, 0)));
            await(list.add(new Suppression("example.com", "some@dest.test", "invalid-recipient", NOW, 0)));

            assertThat(list.find("anyone@other.test", "all@dest.test", NOW)).isPresent();
            assertThat(list.find("", "all@dest.test", NOW)).isPresent();
            assertThat(list.find("news@Example.com", "some@dest.test", NOW)).isPresent();
            assertThat(list.find("news@example.org", "some@dest.test", NOW)).isEmpty();
            assertThat(list.find("", "some@dest.test", NOW)).isEmpty();
        }
    }

    @Test
    void page_walksEveryEntryInKeyOrder_resumingAfterTheLast() throws Exception {
        try (Spool spool = Spool.open(dir)) {
            Suppressions list = spool.suppressions();
            for (String scope : List.of("b.test", "", "a.test")) {
                for (String address : List.of("y@d.test", "x@d.test")) {
                    await(list.add(new Suppression(scope, address, Suppression.MANUAL, NOW, 0)));
                }
            }
            List<String> seen = new ArrayList<>();
            Suppression last = null;
            while (true) {
                List<Suppression> page = last == null ? list.page(null, null, 4, NOW)
                        : list.page(last.scope(), last.address(), 4, NOW);
                if (page.isEmpty()) {
                    break;
                }
                page.forEach(s -> seen.add(s.scope() + "/" + s.address()));
                last = page.get(page.size() - 1);
            }
            assertThat(seen).containsExactly("/x@d.test", "/y@d.test", "a.test/x@d.test", "a.test/y@d.test",
                    "b.test/x@d.test", "b.test/y@d.test");
        }
    }

    @Test
    void spoolOfAnOlderVersion_getsTheFamilyOnOpen() throws Exception {
        // Create the four families an older Hermod made, and nothing else.
        List<ColumnFamilyDescriptor> old = List.of(new ColumnFamilyDescriptor(RocksDB.DEFAULT_COLUMN_FAMILY),
                new ColumnFamilyDescriptor("envelopes".getBytes()), new ColumnFamilyDescriptor("bodies".getBytes()),
                new ColumnFamilyDescriptor("recipients".getBytes()));
        List<ColumnFamilyHandle> handles = new ArrayList<>();
        try (DBOptions options = new DBOptions().setCreateIfMissing(true).setCreateMissingColumnFamilies(true);
             RocksDB db = RocksDB.open(options, dir.toString(), old, handles)) {
            handles.forEach(ColumnFamilyHandle::close);
        }
        try (Spool spool = Spool.open(dir)) {
            await(spool.suppressions().add(new Suppression("", "x@dest.test", Suppression.MANUAL, NOW, 0)));
            assertThat(spool.suppressions().lookup("", "x@dest.test", NOW)).isPresent();
        }
    }
}
