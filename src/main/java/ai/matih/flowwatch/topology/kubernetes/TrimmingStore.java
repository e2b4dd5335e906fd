package ai.matih.flowwatch.topology.kubernetes;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.informers.cache.BasicItemStore;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import io.fabric8.kubernetes.client.informers.cache.ItemStore;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * An informer's cache, and its transform hook: each object the API reports is handed to {@code take} (which keeps, in
 * {@link ClusterState}, only what the topology needs), and the cache itself keeps the object's identity and
 * resourceVersion only (what a relist compares). So every object is held once, trimmed.
 */
final class TrimmingStore<T extends HasMetadata> implements ItemStore<T> {

    private final BasicItemStore<T> store = new BasicItemStore<>(Cache::metaNamespaceKeyFunc);
    private final Consumer<T> take;

    TrimmingStore(Consumer<T> take) {
        this.take = take;
    }

    @Override
    public String getKey(T object) {
        return store.getKey(object);
    }

    @Override
    public T put(String key, T object) {
        take.accept(object);
        return store.put(key, Trim.identity(object));
    }

    @Override
    public T remove(String key) {
        return store.remove(key);
    }

    @Override
    public Stream<String> keySet() {
        return store.keySet();
    }

    @Override
    public Stream<T> values() {
        return store.values();
    }

    @Override
    public int size() {
        return store.size();
    }

    @Override
    public T get(String key) {
        return store.get(key);
    }
}
