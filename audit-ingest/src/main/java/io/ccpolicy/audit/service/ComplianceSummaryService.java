package io.ccpolicy.audit.service;

import io.ccpolicy.audit.repository.ComplianceRepository;
import io.ccpolicy.audit.rest.dto.Activity;
import io.ccpolicy.audit.rest.dto.ComplianceSummary;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

@ApplicationScoped
public class ComplianceSummaryService {

    private final ComplianceRepository compliance;

    public ComplianceSummaryService(ComplianceRepository compliance) {
        this.compliance = compliance;
    }

    @Transactional(Transactional.TxType.SUPPORTS)
    public ComplianceSummary summary(Instant from, Instant to) {
        long[] t = Arrays.stream(compliance.totals(from, to)).mapToLong(v -> ((Number) v).longValue()).toArray();
        ComplianceSummary.Totals totals = new ComplianceSummary.Totals(t[0], t[1], t[2], t[3], t[4], t[5], t[6], t[7], t[8], t[9], t[10],
                t[11], t[12], t[13], t[14], t[15], t[16]);
        Map<String, Long> deniedByPolicy = new TreeMap<>();
        Map<String, Long> deniedByUser = new TreeMap<>();
        Map<String, Long> askedByPolicy = new TreeMap<>();
        Map<String, Long> warnedByPolicy = new TreeMap<>();
        for (Object[] row : compliance.enforcedViolations(from, to)) {
            long count = ((Number) row[3]).longValue();
            if ("deny".equals(row[2])) {
                deniedByPolicy.merge((String) row[0], count, Long::sum);
                deniedByUser.merge((String) row[1], count, Long::sum);
            } else if ("ask".equals(row[2])) {
                askedByPolicy.merge((String) row[0], count, Long::sum);
            } else if ("warn".equals(row[2])) {
                warnedByPolicy.merge((String) row[0], count, Long::sum);
            }
        }
        List<ComplianceSummary.Count> tools = compliance.toolCalls(from, to).stream()
                .map(r -> new ComplianceSummary.Count(String.valueOf(r[0]), ((Number) r[1]).longValue())).toList();
        List<ComplianceSummary.ExceptionUse> used = compliance.exceptionsUsed(from, to).stream()
                .map(r -> new ComplianceSummary.ExceptionUse((String) r[0], ((Number) r[1]).longValue(), instant(r[2]), instant(r[3]),
                        r[4] == null ? List.of() : List.of(((String) r[4]).split(","))))
                .toList();
        List<ComplianceSummary.AdminChange> changes = compliance.adminChanges(from, to).stream()
                .map(r -> new ComplianceSummary.AdminChange(instant(r[0]), (String) r[1], (String) r[2], (String) r[3])).toList();
        List<ComplianceSummary.Finding> findings = compliance.integrityFindings(from, to).stream()
                .map(r -> new ComplianceSummary.Finding((String) r[0], (String) r[1], r[2] == null ? null : ((Number) r[2]).longValue(),
                        (String) r[3], instant(r[4]), (String) r[5]))
                .toList();
        Object[] hours = compliance.archiveHours(from, to);
        return new ComplianceSummary(from, to, totals, counts(deniedByPolicy), counts(deniedByUser), counts(askedByPolicy), counts(warnedByPolicy), tools, used,
                changes, findings, new ComplianceSummary.Archive(((Number) hours[0]).longValue(), ((Number) hours[1]).longValue()));
    }

    /** The window [from, to) per user against {@code baselineWindows} equal windows before it, and its hourly trend. */
    @Transactional(Transactional.TxType.SUPPORTS)
    public Activity activity(Instant from, Instant to, int baselineWindows) {
        long seconds = Duration.between(from, to).toSeconds();
        Instant baselineStart = from.minusSeconds(seconds * baselineWindows);
        Map<String, Activity.Counts[]> perUser = new TreeMap<>();
        for (Object[] row : compliance.activity(baselineStart, to, seconds)) {
            Activity.Counts[] windows = perUser.computeIfAbsent((String) row[0], u -> {
                Activity.Counts[] empty = new Activity.Counts[baselineWindows + 1];
                Arrays.fill(empty, Activity.Counts.NONE);
                return empty;
            });
            windows[((Number) row[1]).intValue()] = counts(row);
        }
        List<Activity.UserActivity> users = new ArrayList<>();
        perUser.forEach((user, windows) -> users.add(new Activity.UserActivity(user, windows[baselineWindows],
                List.of(Arrays.copyOf(windows, baselineWindows)))));
        Instant firstHour = from.truncatedTo(ChronoUnit.HOURS);
        Map<Integer, Activity.Counts> hours = new TreeMap<>();
        for (Object[] row : compliance.activity(firstHour, to, 3600)) {
            hours.merge(((Number) row[1]).intValue(), counts(row), ComplianceSummaryService::sum);
        }
        List<Activity.Point> trend = new ArrayList<>();
        for (int h = 0; !firstHour.plusSeconds(3600L * h).isAfter(to.minusNanos(1)); h++) {
            Activity.Counts c = hours.getOrDefault(h, Activity.Counts.NONE);
            trend.add(new Activity.Point(firstHour.plusSeconds(3600L * h), c.events(), c.violations(), c.denied()));
        }
        return new Activity(from, to, seconds, users, trend);
    }

    private static Activity.Counts counts(Object[] row) {
        return new Activity.Counts(((Number) row[2]).longValue(), ((Number) row[3]).longValue(), ((Number) row[4]).longValue(),
                ((Number) row[5]).longValue(), ((Number) row[6]).longValue());
    }

    private static Activity.Counts sum(Activity.Counts a, Activity.Counts b) {
        return new Activity.Counts(a.events() + b.events(), a.violations() + b.violations(), a.denied() + b.denied(),
                a.fileModifications() + b.fileModifications(), a.mcpCalls() + b.mcpCalls());
    }

    private static List<ComplianceSummary.Count> counts(Map<String, Long> counts) {
        List<ComplianceSummary.Count> list = new ArrayList<>();
        counts.forEach((key, count) -> list.add(new ComplianceSummary.Count(key, count)));
        list.sort(Comparator.comparingLong(ComplianceSummary.Count::count).reversed().thenComparing(ComplianceSummary.Count::key));
        return list;
    }

    /** PostgreSQL's driver returns timestamptz as an Instant, an OffsetDateTime or a Timestamp, depending on the path. */
    private static Instant instant(Object value) {
        if (value instanceof Instant i) {
            return i;
        }
        if (value instanceof OffsetDateTime o) {
            return o.toInstant();
        }
        return ((java.sql.Timestamp) value).toInstant();
    }
}
