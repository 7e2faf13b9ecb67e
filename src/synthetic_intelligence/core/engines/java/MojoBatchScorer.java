package synthetic_intelligence.mojo;

import hex.genmodel.GenModel;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Scores rows with {@link GenModel#score0} in a Java loop.
 *
 * <p>Rows arrive as one direct buffer over the caller's row-major float32 or
 * float64 matrix (no copy); class probabilities ({@code preds[1..nOut]}) are
 * written into a direct float64 buffer over the caller's output matrix. With
 * more than one thread the rows are cut into contiguous slices, one model
 * instance per thread (genmodel does not promise that score0 is thread-safe).
 */
public final class MojoBatchScorer {
    private final GenModel[] models;
    private final int nCols;
    private final int nOut;
    private final int predsSize;
    private final ExecutorService pool;

    public MojoBatchScorer(GenModel[] models, int nCols, int nOut) {
        if (models.length < 1) {
            throw new IllegalArgumentException("need at least one model");
        }
        this.models = models.clone();
        this.nCols = nCols;
        this.nOut = nOut;
        this.predsSize = models[0].getPredsSize();
        this.pool = models.length > 1 ? Executors.newFixedThreadPool(models.length, r -> {
            Thread t = new Thread(r, "mojo-batch-scorer");
            t.setDaemon(true);
            return t;
        }) : null;
    }

    public int threads() {
        return models.length;
    }

    /** Score {@code nRows} rows; {@code wide} says float64 (else float32) input. */
    public void score(ByteBuffer in, boolean wide, ByteBuffer out, int nRows) throws Exception {
        ByteBuffer src = in.duplicate().order(ByteOrder.nativeOrder());
        ByteBuffer dst = out.duplicate().order(ByteOrder.nativeOrder());
        int threads = Math.min(models.length, Math.max(1, nRows / 1024));
        if (threads <= 1) {
            slice(models[0], src, wide, dst, 0, nRows);
            return;
        }
        List<Future<?>> jobs = new ArrayList<>(threads);
        int step = (nRows + threads - 1) / threads;
        for (int t = 0; t < threads; t++) {
            final GenModel model = models[t];
            final int from = t * step;
            final int to = Math.min(nRows, from + step);
            jobs.add(pool.submit(() -> {
                slice(model, src, wide, dst, from, to);
                return null;
            }));
        }
        for (Future<?> job : jobs) {
            job.get();
        }
    }

    private void slice(GenModel model, ByteBuffer src, boolean wide, ByteBuffer dst, int from, int to) {
        double[] row = new double[nCols];
        double[] preds = new double[predsSize];
        // views private to this slice: relative get/put move only their own positions
        DoubleBuffer out = dst.asDoubleBuffer();
        out.position(from * nOut);
        if (wide) {
            DoubleBuffer x = src.asDoubleBuffer();
            x.position(from * nCols);
            for (int r = from; r < to; r++) {
                x.get(row);
                model.score0(row, preds);
                out.put(preds, 1, nOut);
            }
        } else {
            FloatBuffer x = src.asFloatBuffer();
            x.position(from * nCols);
            float[] narrow = new float[nCols];
            for (int r = from; r < to; r++) {
                x.get(narrow);
                for (int c = 0; c < nCols; c++) {
                    row[c] = narrow[c];
                }
                model.score0(row, preds);
                out.put(preds, 1, nOut);
            }
        }
    }
}
