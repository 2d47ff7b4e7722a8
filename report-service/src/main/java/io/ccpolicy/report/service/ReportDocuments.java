package io.ccpolicy.report.service;

import io.ccpolicy.report.rest.dto.ComplianceReport;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDDocumentInformation;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.PDPageContentStream;
import org.apache.pdfbox.pdmodel.common.PDRectangle;
import org.apache.pdfbox.pdmodel.font.PDType1Font;
import org.apache.pdfbox.pdmodel.font.Standard14Fonts;

/** A report as CSV (one row per metric, evidence line and gap) and as a PDF an auditor can file. */
public final class ReportDocuments {

    private static final float MARGIN = 56;
    private static final float WIDTH = PDRectangle.A4.getWidth() - 2 * MARGIN;

    private ReportDocuments() {
    }

    public static String csv(ComplianceReport report) {
        StringBuilder csv = new StringBuilder("framework,period_from,period_to,control,control_title,control_status,kind,name,value\r\n");
        for (ComplianceReport.Control c : report.controls()) {
            String prefix = String.join(",", cell(report.framework()), cell(report.from().toString()), cell(report.to().toString()), cell(c.id()),
                    cell(c.title()), cell(c.status())) + ",";
            c.metrics().forEach(m -> csv.append(prefix).append("metric,").append(cell(m.name())).append(',').append(m.value()).append("\r\n"));
            c.evidence().forEach(e -> csv.append(prefix).append("evidence,,").append(cell(e)).append("\r\n"));
            c.gaps().forEach(g -> csv.append(prefix).append("gap,,").append(cell(g)).append("\r\n"));
        }
        return csv.toString();
    }

    private static String cell(String value) {
        String text = value == null ? "" : value;
        // A cell that a spreadsheet would run as a formula is prefixed, so a recorded value cannot become one.
        if (!text.isEmpty() && "=+-@".indexOf(text.charAt(0)) >= 0) {
            text = "'" + text;
        }
        return text.contains(",") || text.contains("\"") || text.contains("\n") || text.contains("\r")
                ? "\"" + text.replace("\"", "\"\"") + "\"" : text;
    }

    public static byte[] pdf(ComplianceReport report) {
        try (PDDocument document = new PDDocument(); ByteArrayOutputStream out = new ByteArrayOutputStream()) {
            PDDocumentInformation info = document.getDocumentInformation();
            info.setTitle(report.title() + " report, " + report.from() + " to " + report.to());
            info.setAuthor(report.generatedBy());
            info.setCreator("Claude Code policy platform, report-service");
            Writer writer = new Writer(document);
            writer.line(report.title(), Writer.BOLD, 16, 0);
            writer.line("Compliance report for " + report.from() + " to " + report.to(), Writer.REGULAR, 11, 0);
            writer.line("Generated " + report.generatedAt() + " by " + report.generatedBy(), Writer.REGULAR, 9, 0);
            writer.line("Overall: " + (report.status().equals(ComplianceReport.SATISFIED) ? "no gaps found" : "GAPS FOUND (see controls)"),
                    Writer.BOLD, 11, 0);
            writer.space(8);
            for (ComplianceReport.Control c : report.controls()) {
                writer.line(c.id() + "  " + c.title(), Writer.BOLD, 12, 0);
                writer.line("Status: " + (c.gaps().isEmpty() ? "satisfied" : c.gaps().size() + " gap(s)"), Writer.BOLD, 10, 0);
                for (ComplianceReport.Metric m : c.metrics()) {
                    writer.line(m.name() + ": " + m.value(), Writer.REGULAR, 10, 12);
                }
                if (!c.evidence().isEmpty()) {
                    writer.line("Evidence", Writer.BOLD, 10, 0);
                    c.evidence().forEach(e -> writer.line("- " + e, Writer.REGULAR, 9, 12));
                }
                if (!c.gaps().isEmpty()) {
                    writer.line("Gaps", Writer.BOLD, 10, 0);
                    c.gaps().forEach(g -> writer.line("- " + g, Writer.REGULAR, 9, 12));
                }
                writer.space(8);
            }
            writer.line("Notes", Writer.BOLD, 10, 0);
            report.notes().forEach(n -> writer.line("- " + n, Writer.REGULAR, 9, 12));
            writer.close();
            writer.numberPages();
            document.save(out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException("the PDF could not be written", e);
        }
    }

    /** Lines wrapped to the page width, new pages as needed. */
    private static final class Writer {
        static final PDType1Font REGULAR = new PDType1Font(Standard14Fonts.FontName.HELVETICA);
        static final PDType1Font BOLD = new PDType1Font(Standard14Fonts.FontName.HELVETICA_BOLD);

        private final PDDocument document;
        private PDPageContentStream stream;
        private float y;

        Writer(PDDocument document) {
            this.document = document;
        }

        void space(float points) {
            y -= points;
        }

        void line(String text, PDType1Font font, float size, float indent) {
            try {
                for (String part : wrap(printable(text, font), font, size, WIDTH - indent)) {
                    if (stream == null || y < MARGIN + size) {
                        newPage();
                    }
                    y -= size * 1.35f;
                    stream.beginText();
                    stream.setFont(font, size);
                    stream.newLineAtOffset(MARGIN + indent, y);
                    stream.showText(part);
                    stream.endText();
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        void close() throws IOException {
            if (stream != null) {
                stream.close();
            }
        }

        void numberPages() throws IOException {
            int total = document.getNumberOfPages();
            for (int i = 0; i < total; i++) {
                try (PDPageContentStream footer = new PDPageContentStream(document, document.getPage(i), PDPageContentStream.AppendMode.APPEND, true)) {
                    footer.beginText();
                    footer.setFont(REGULAR, 8);
                    footer.newLineAtOffset(MARGIN, MARGIN / 2);
                    footer.showText("page " + (i + 1) + " of " + total);
                    footer.endText();
                }
            }
        }

        private void newPage() throws IOException {
            close();
            PDPage page = new PDPage(PDRectangle.A4);
            document.addPage(page);
            stream = new PDPageContentStream(document, page);
            y = PDRectangle.A4.getHeight() - MARGIN;
        }

        /** Standard fonts cover WinAnsi only: anything else is shown as '?', never dropped silently or failing the report. */
        private static String printable(String text, PDType1Font font) {
            StringBuilder out = new StringBuilder();
            text.codePoints().forEach(cp -> {
                String ch = new String(Character.toChars(cp));
                try {
                    font.encode(ch);
                    out.append(cp < 32 ? " " : ch);
                } catch (IllegalArgumentException | IOException e) {
                    out.append('?');
                }
            });
            return out.toString();
        }

        private static List<String> wrap(String text, PDType1Font font, float size, float width) throws IOException {
            List<String> lines = new ArrayList<>();
            StringBuilder line = new StringBuilder();
            for (String word : text.split(" ")) {
                String candidate = line.isEmpty() ? word : line + " " + word;
                if (font.getStringWidth(candidate) / 1000 * size <= width || line.isEmpty()) {
                    line.setLength(0);
                    line.append(candidate);
                } else {
                    lines.add(line.toString());
                    line.setLength(0);
                    line.append(word);
                }
            }
            lines.add(line.toString());
            return lines;
        }
    }
}
