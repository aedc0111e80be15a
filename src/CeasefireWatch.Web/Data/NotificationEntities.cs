using CeasefireWatch.Web.Domain;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CeasefireWatch.Web.Data;

/// <summary>How a notification travels (CONTRACT.md names).</summary>
public enum NotificationChannel
{
    Email,
    Webhook,
}

/// <summary>Where one delivery stands. Pending ones are the outbox.</summary>
public enum DeliveryStatus
{
    Pending,
    Delivered,

    /// <summary>Given up: still undelivered when <c>Notifications:GiveUpAfter</c> had passed, or its rule was deleted.</summary>
    Failed,
}

/// <summary>
/// Who is told what: a channel and a target, the tiers it fires for and the oblasts it covers (empty: all).
/// Deleting a rule keeps it (with <see cref="DeletedAt"/>) so the delivery log still names it.
/// </summary>
public sealed class NotificationRule
{
    private const char Separator = ',';

    public int Id { get; set; }

    public string Name { get; set; } = string.Empty;

    public NotificationChannel Channel { get; set; }

    /// <summary>An email address, or an absolute http(s) URL.</summary>
    public string Target { get; set; } = string.Empty;

    /// <summary>The tiers it fires for, comma-separated names; empty for all.</summary>
    public string Stages { get; set; } = string.Empty;

    /// <summary>The oblasts it covers, comma-separated canonical names; empty for all.</summary>
    public string Oblasts { get; set; } = string.Empty;

    /// <summary>
    /// The webhook's HMAC key. Kept as written (the signature needs it), never shown back: the API and the page
    /// only say whether one is set.
    /// </summary>
    public string? Secret { get; set; }

    public DateTime CreatedAt { get; set; }

    public string CreatedBy { get; set; } = string.Empty;

    public DateTime? DeletedAt { get; set; }

    public IReadOnlyList<Stage> StageList =>
        [.. Split(Stages).Select(Enum.Parse<Stage>)];

    public IReadOnlyList<string> OblastList => Split(Oblasts);

    public static string Join(IEnumerable<string> names) => string.Join(Separator, names);

    /// <summary>Whether this rule fires for an event on an incident at <paramref name="stage"/> in <paramref name="oblast"/>.</summary>
    public bool Matches(Stage stage, string oblast) =>
        DeletedAt is null
        && (Stages.Length == 0 || StageList.Contains(stage))
        && (Oblasts.Length == 0 || OblastList.Contains(oblast, StringComparer.OrdinalIgnoreCase));

    private static string[] Split(string list) =>
        list.Split(Separator, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}

/// <summary>
/// One notification of one rule about one timeline entry: the outbox row, written in the same transaction as the
/// entry, and then its delivery record. <see cref="Id"/> is the delivery id a receiver sees on every try.
/// </summary>
public sealed class NotificationDelivery
{
    public Guid Id { get; set; }

    public int RuleId { get; set; }

    public NotificationRule? Rule { get; set; }

    public int IncidentId { get; set; }

    /// <summary>Set when the row is written, so a brand-new incident's id is filled in by the same insert.</summary>
    public Incident? Incident { get; set; }

    public long TimelineEntryId { get; set; }

    public TimelineEntry? TimelineEntry { get; set; }

    /// <summary>The timeline kind that caused it: <c>StageEntered</c>, <c>Resolved</c>, <c>Reopened</c>.</summary>
    public TimelineKind Event { get; set; }

    public DeliveryStatus Status { get; set; }

    public int Attempts { get; set; }

    public DateTime CreatedAt { get; set; }

    /// <summary>When the sender next tries (pending only). Persisted, so a restart continues the back-off.</summary>
    public DateTime NextAttemptAt { get; set; }

    public DateTime? LastAttemptAt { get; set; }

    /// <summary>What the last try got: an HTTP status, the SMTP server's answer, or the error.</summary>
    public string? LastAnswer { get; set; }

    public DateTime? DeliveredAt { get; set; }
}

internal sealed class NotificationRuleConfiguration : IEntityTypeConfiguration<NotificationRule>
{
    public const int NameLength = 100;
    public const int TargetLength = 2000;
    public const int SecretLength = 200;

    public void Configure(EntityTypeBuilder<NotificationRule> rule)
    {
        rule.ToTable("NotificationRules");
        rule.HasKey(r => r.Id);
        rule.Property(r => r.Name).HaveMaxLengthOf(NameLength);
        rule.Property(r => r.Channel).HasConversion<string>().HasMaxLength(16);
        rule.Property(r => r.Target).HaveMaxLengthOf(TargetLength);
        rule.Property(r => r.Stages).HaveMaxLengthOf(100);
        rule.Property(r => r.Oblasts).HaveMaxLengthOf(1000);
        rule.Property(r => r.Secret).HasMaxLength(SecretLength);
        rule.Property(r => r.CreatedBy).HaveMaxLengthOf(IncidentLimits.Actor);
        rule.Ignore(r => r.StageList);
        rule.Ignore(r => r.OblastList);
    }
}

internal sealed class NotificationDeliveryConfiguration : IEntityTypeConfiguration<NotificationDelivery>
{
    public const int AnswerLength = 500;

    public void Configure(EntityTypeBuilder<NotificationDelivery> delivery)
    {
        delivery.ToTable("NotificationDeliveries");
        delivery.HasKey(d => d.Id);
        delivery.Property(d => d.Id).ValueGeneratedNever();
        delivery.Property(d => d.Status).HasConversion<string>().HasMaxLength(16);
        delivery.Property(d => d.LastAnswer).HasMaxLength(AnswerLength);

        delivery.HasOne(d => d.Rule).WithMany().HasForeignKey(d => d.RuleId).OnDelete(DeleteBehavior.Restrict);
        delivery.HasOne(d => d.Incident).WithMany().HasForeignKey(d => d.IncidentId).OnDelete(DeleteBehavior.Cascade);
        delivery.HasOne(d => d.TimelineEntry).WithMany().HasForeignKey(d => d.TimelineEntryId).OnDelete(DeleteBehavior.Cascade);

        // Never doubled on our side: one delivery per rule per timeline entry, held by the database.
        delivery.HasIndex(d => new { d.TimelineEntryId, d.RuleId }).IsUnique();

        // The sender's question: pending ones due by now, earliest first.
        delivery.HasIndex(d => new { d.Status, d.NextAttemptAt });
        delivery.HasIndex(d => d.CreatedAt);
    }
}
