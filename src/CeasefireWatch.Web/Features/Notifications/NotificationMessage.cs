using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using CeasefireWatch.Web.Data;
using CeasefireWatch.Web.Domain;
using CeasefireWatch.Web.Infrastructure;

namespace CeasefireWatch.Web.Features.Notifications;

/// <summary>
/// What one delivery says, built from the stored delivery, its incident and its timeline entry. The entry never
/// changes, so every retry sends the same bytes (and the same signature).
/// </summary>
public sealed class NotificationMessage
{
    private NotificationMessage(NotificationDelivery delivery, Incident incident, TimelineEntry entry, string? publicBaseUrl)
    {
        Delivery = delivery;
        Incident = incident;
        Entry = entry;
        IncidentUrl = string.IsNullOrWhiteSpace(publicBaseUrl)
            ? null
            : $"{publicBaseUrl.TrimEnd('/')}/Incidents/{incident.Id.ToString(CultureInfo.InvariantCulture)}";
    }

    public NotificationDelivery Delivery { get; }

    public Incident Incident { get; }

    public TimelineEntry Entry { get; }

    /// <summary>The incident's page; null when <c>Notifications:PublicBaseUrl</c> is not set.</summary>
    public string? IncidentUrl { get; }

    public string EventName => Delivery.Event.ToString();

    public static NotificationMessage For(NotificationDelivery delivery, string? publicBaseUrl) => new(
        delivery,
        delivery.Incident ?? throw new InvalidOperationException("Load the delivery with its incident."),
        delivery.TimelineEntry ?? throw new InvalidOperationException("Load the delivery with its timeline entry."),
        publicBaseUrl);

    /// <summary>The webhook body of CONTRACT.md, exactly: id, event, incidentId, reference, stage, dueAt, at, oblast, title.</summary>
    public byte[] WebhookBody()
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("id", Delivery.Id);
            json.WriteString("event", EventName);
            json.WriteNumber("incidentId", Incident.Id);
            json.WriteString("reference", Incident.Reference);
            json.WriteString("stage", Entry.Stage.ToString());
            if (Entry.DueAt is { } dueAt)
            {
                json.WriteString("dueAt", dueAt);
            }
            else
            {
                json.WriteNull("dueAt");
            }

            json.WriteString("at", Entry.At);
            json.WriteString("oblast", Incident.Oblast);
            json.WriteString("title", Incident.Title);
            json.WriteEndObject();
        }

        return buffer.ToArray();
    }

    /// <summary>Holds the reference and the tier's contract name, as CONTRACT.md asks.</summary>
    public string EmailSubject => Delivery.Event switch
    {
        TimelineKind.StageEntered => $"[CeasefireWatch] {Incident.Reference} entered tier {Entry.Stage.Number()} {Entry.Stage} · {Incident.Oblast}",
        TimelineKind.EscalationHeld => $"[CeasefireWatch] {Incident.Reference} held at tier {Entry.Stage.Number()} {Entry.Stage} awaiting verification · {Incident.Oblast}",
        TimelineKind.Resolved => $"[CeasefireWatch] {Incident.Reference} resolved at tier {Entry.Stage.Number()} {Entry.Stage} · {Incident.Oblast}",
        TimelineKind.Reopened => $"[CeasefireWatch] {Incident.Reference} reopened at tier {Entry.Stage.Number()} {Entry.Stage} · {Incident.Oblast}",
        _ => $"[CeasefireWatch] {Incident.Reference} {Delivery.Event} at tier {Entry.Stage.Number()} {Entry.Stage} · {Incident.Oblast}",
    };

    private string Headline => Delivery.Event switch
    {
        TimelineKind.StageEntered => $"{Incident.Reference} has entered {Entry.Stage.Label()}.",
        TimelineKind.EscalationHeld => $"{Incident.Reference} is held at {Entry.Stage.Label()}: the next tier fell due but the incident is not verified. A supervisor must verify it.",
        TimelineKind.Resolved => $"{Incident.Reference} is resolved: hostilities ceased. It had reached {Entry.Stage.Label()}.",
        TimelineKind.Reopened => $"{Incident.Reference} is reopened: hostilities resumed. It stands at {Entry.Stage.Label()}.",
        _ => $"{Incident.Reference}: {Delivery.Event}, {Entry.Stage.Label()}.",
    };

    /// <summary>The facts of the email, label and value, shared by its text and HTML parts.</summary>
    private List<(string Label, string Value)> Facts()
    {
        var facts = new List<(string, string)>
        {
            ("Incident", $"{Incident.Reference} · {Incident.Title}"),
            ("Oblast", $"{Incident.Oblast}{(string.IsNullOrWhiteSpace(Incident.Location) ? string.Empty : " · " + Incident.Location)}"),
            ("First violation", BothTimes(Incident.OccurredAt)),
        };
        if (Delivery.Event == TimelineKind.StageEntered && Entry.DueAt is { } dueAt)
        {
            facts.Add(("Tier due at", BothTimes(dueAt)));
        }

        facts.Add(("Recorded at", BothTimes(Entry.At)));
        facts.Add(("Next deadline", Incident.NextStageAt is { } next && Entry.Stage.Next() is { } nextStage
            ? $"{nextStage.Label()} at {BothTimes(next)}"
            : Incident.Status == IncidentStatus.Active ? "None: the highest tier is reached." : "None: the clock is stopped."));
        facts.Add(("Who responds", Entry.Stage.Responder()));
        if (Delivery.Event == TimelineKind.StageEntered)
        {
            // What this tier still owes, as the incident stands when the message is sent.
            var open = Incident.Checklist(Entry.At, TimeSpan.MaxValue).Where(c => c.Stage == Entry.Stage && !c.Done).Select(c => c.Item.Label()).ToList();
            facts.Add(("Still open at this tier", open.Count == 0 ? "Nothing." : string.Join("; ", open)));
        }

        facts.Add(("Details", Entry.Details));
        return facts;
    }

    public string EmailText()
    {
        var text = new StringBuilder();
        text.AppendLine(Headline).AppendLine();
        foreach (var (label, value) in Facts())
        {
            text.Append(label).Append(": ").AppendLine(value);
        }

        text.AppendLine().AppendLine(IncidentUrl is null
            ? $"Open incident {Incident.Reference} in CeasefireWatch (no link: Notifications:PublicBaseUrl is not set)."
            : $"Open the incident: {IncidentUrl}");
        text.AppendLine().Append("Delivery ").Append(Delivery.Id.ToString()).AppendLine(" · sent by CeasefireWatch");
        return text.ToString();
    }

    public string EmailHtml()
    {
        static string E(string s) => WebUtility.HtmlEncode(s);
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html><html><body>");
        html.Append("<p><strong>").Append(E(Headline)).Append("</strong></p><table>");
        foreach (var (label, value) in Facts())
        {
            html.Append("<tr><th align=\"left\">").Append(E(label)).Append("</th><td>").Append(E(value)).Append("</td></tr>");
        }

        html.Append("</table><p>");
        html.Append(IncidentUrl is null
            ? E($"Open incident {Incident.Reference} in CeasefireWatch.")
            : $"<a href=\"{E(IncidentUrl)}\">Open {E(Incident.Reference)} in CeasefireWatch</a>");
        html.Append("</p><p><small>Delivery ").Append(E(Delivery.Id.ToString())).Append("</small></p></body></html>");
        return html.ToString();
    }

    private static string BothTimes(DateTime utc) => $"{UtcFormat.Format(utc)} ({KyivTime.Format(utc)} Kyiv)";
}
