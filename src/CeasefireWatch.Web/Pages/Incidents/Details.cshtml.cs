using Microsoft.EntityFrameworkCore;
using CeasefireWatch.Web.Domain;
using CeasefireWatch.Web.Features.Incidents;
using CeasefireWatch.Web.Infrastructure;
using CeasefireWatch.Web.Infrastructure.Localization;
using CeasefireWatch.Web.Infrastructure.Security;
using FluentValidation;
using Microsoft.AspNetCore.Authorization;
using Mediator;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace CeasefireWatch.Web.Pages.Incidents;

/// <summary>One incident: where it stands, what has been done, and the actions on it.</summary>
public sealed class DetailsModel(
    IMediator mediator, TimeProvider clock, IAuthorizationService authorization, IValidator<AddFollowUpReport.Command> followUpValidator) : PageModel
{
    public IncidentDetailsDto Incident { get; private set; } = null!;

    public DateTime Now { get; private set; }

    /// <summary>Whether the user may add reports, notes and actions (the forms are shown only then).</summary>
    public bool CanReport { get; private set; }

    /// <summary>Whether the user may resolve, reopen, escalate and verify reports.</summary>
    public bool CanSupervise { get; private set; }

    [BindProperty]
    public FollowUpForm FollowUp { get; set; } = new();

    [BindProperty]
    public NoteForm Note { get; set; } = new();

    [BindProperty]
    public WarningForm Warning { get; set; } = new();

    [BindProperty]
    public ResolveForm Resolve { get; set; } = new();

    [BindProperty]
    public ReasonForm Reopen { get; set; } = new();

    [BindProperty]
    public EscalateForm Escalate { get; set; } = new();

    [BindProperty]
    public DetailsForm Verify { get; set; } = new();

    [BindProperty]
    public VerificationForm Verification { get; set; } = new();

    [BindProperty]
    public AnswerForm Answer { get; set; } = new();

    [BindProperty]
    public ChecklistForm Checklist { get; set; } = new();

    [BindProperty]
    public ReasonForm ScaleReview { get; set; } = new();

    /// <summary>Incidents that may be the same violation, for the merge suggestion.</summary>
    public IReadOnlyList<FindLikelyDuplicates.Candidate> Duplicates { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(int id, CancellationToken ct) => await ShowAsync(id, ct);

    public async Task<IActionResult> OnPostFollowUpAsync(int id, CancellationToken ct)
    {
        ZonePreference.Remember(HttpContext, FollowUp.OccurredAtZone);
        if (!FollowUp.TryGetOccurredAt(ModelState, nameof(FollowUp), out var occurredAt) || ModelState.HasErrorsFor(nameof(FollowUp)))
        {
            ModelState.AddFailuresOfOtherFields(await followUpValidator.ValidateAsync(FollowUp.ToCommand(id, occurredAt), ct), nameof(FollowUp));
            return await ShowFormErrorsAsync(typeof(AddFollowUpReport.Command), id, ct);
        }

        // An earlier violation moves the clock's start and may enter tiers at once: the message names the tier it is at.
        return await SendAsync(id, FollowUp.ToCommand(id, occurredAt), nameof(FollowUp),
            incident => Text.Format("Follow-up report added: {0}.", Text.Get(incident.Stage.Label())), ct);
    }

    public Task<IActionResult> OnPostNoteAsync(int id, CancellationToken ct) =>
        SendAsync(id, new AddNote.Command(Note.Text) { IncidentId = id }, nameof(Note), Text.Get("Note added."), ct);

    public Task<IActionResult> OnPostWarningAsync(int id, CancellationToken ct) =>
        SendAsync(id, new RecordDiplomaticWarning.Command(Warning.Details, Warning.Recipient, Warning.Channel) { IncidentId = id }, nameof(Warning), Text.Get("Diplomatic warning recorded."), ct);

    public async Task<IActionResult> OnPostResolveAsync(int id, CancellationToken ct)
    {
        var key = $"{nameof(Resolve)}.{nameof(ResolveForm.CeasedAt)}";
        ZonePreference.Remember(HttpContext, Resolve.CeasedAtZone);
        if (!TimeInput.TryToUtc(Resolve.CeasedAt, Resolve.CeasedAtZone, ModelState, key, out var ceasedAt))
        {
            return await ShowFormErrorsAsync(typeof(ResolveIncident.Command), id, ct);
        }

        return await SendAsync(id, new ResolveIncident.Command(ceasedAt, Resolve.Reason) { IncidentId = id }, nameof(Resolve), Text.Get("Incident resolved: the clock has stopped."), ct);
    }

    public Task<IActionResult> OnPostReopenAsync(int id, CancellationToken ct) =>
        SendAsync(id, new ReopenIncident.Command(Reopen.Reason) { IncidentId = id }, nameof(Reopen), Text.Get("Incident reopened: the clock runs again."), ct);

    public Task<IActionResult> OnPostEscalateAsync(int id, CancellationToken ct) =>
        SendAsync(id, new EscalateIncident.Command(Escalate.Reason, Escalate.ToStage) { IncidentId = id }, nameof(Escalate),
            Escalate.ToStage is { } stage ? Text.Format("Escalated to {0}.", Text.Get(stage.Label())) : Text.Get("Escalated to the next tier."), ct);

    public Task<IActionResult> OnPostVerifyAsync(int id, long reportId, CancellationToken ct) =>
        SendAsync(id, new VerifyReport.Command(Verify.Details) { IncidentId = id, ReportId = reportId }, nameof(Verify), Text.Get("Report verified."), ct);

    public Task<IActionResult> OnPostVerificationAsync(int id, CancellationToken ct) =>
        SendAsync(id, new SetVerification.Command(Verification.Status, Verification.Note) { IncidentId = id }, nameof(Verification),
            Verification.Status == Domain.Verification.FalseReport ? Text.Get("Dismissed as a false report: the clock has stopped.") : Text.Get("Verification set."), ct);

    public Task<IActionResult> OnPostAnswerAsync(int id, CancellationToken ct) =>
        SendAsync(id, new RecordCoalitionAnswer.Command(Answer.Country, Answer.State, Answer.Note) { IncidentId = id }, nameof(Answer), Text.Get("Coalition answer recorded."), ct);

    public Task<IActionResult> OnPostChecklistAsync(int id, CancellationToken ct) =>
        SendAsync(id, new CompleteChecklistItem.Command(Checklist.Item, Checklist.Note) { IncidentId = id }, nameof(Checklist), Text.Get("Checklist item recorded."), ct);

    public Task<IActionResult> OnPostScaleReviewAsync(int id, CancellationToken ct) =>
        SendAsync(id, new ReviewLargerScale.Command(ScaleReview.Reason) { IncidentId = id }, nameof(ScaleReview), Text.Get("Recorded: not a larger-scale attack."), ct);

    /// <summary>Folds <paramref name="mergeId"/> into this incident (this one survives).</summary>
    public Task<IActionResult> OnPostMergeAsync(int id, int mergeId, CancellationToken ct) =>
        SendAsync(mergeId, new MergeIncident.Command(id) { IncidentId = mergeId }, "Merge", Text.Format("{0} merged into this incident.", Domain.Incident.FormatReference(mergeId)), ct, redirectTo: id);

    public ZoneChoice ResolveZone => new($"{nameof(Resolve)}.{nameof(ResolveForm.CeasedAtZone)}", Resolve.CeasedAtZone);

    /// <summary>Whether the form bound as <paramref name="prefix"/> failed and should be shown open.</summary>
    public bool Failed(string prefix) => ModelState.HasErrorsFor(prefix);

    /// <summary>
    /// A form that did not bind is shown again with its errors, but only to a role that may send its request: the others
    /// get the 403 they would get for a well-formed form (the mediator checks the role only once a request is sent).
    /// </summary>
    private async Task<IActionResult> ShowFormErrorsAsync(Type request, int id, CancellationToken ct) =>
        RequiresPolicyAttribute.Of(request) is { } policy && !(await authorization.AuthorizeAsync(User, policy)).Succeeded
            ? Forbid()
            : await ShowAsync(id, ct);

    /// <summary>
    /// Sends an action's command. Success redirects back (post/redirect/get); a field error re-renders
    /// the page with the message by its field; a rule of the incident's state shows as a page message.
    /// </summary>
    private Task<IActionResult> SendAsync(
        int id, ICommand<IncidentDto> command, string prefix, string done, CancellationToken ct, int? redirectTo = null) =>
        SendAsync(id, command, prefix, _ => done, ct, redirectTo);

    private async Task<IActionResult> SendAsync(
        int id, ICommand<IncidentDto> command, string prefix, Func<IncidentDto, string> done, CancellationToken ct, int? redirectTo = null)
    {
        if (ModelState.HasErrorsFor(prefix))
        {
            return await ShowFormErrorsAsync(command.GetType(), redirectTo ?? id, ct);
        }

        try
        {
            TempData["Status"] = done(await mediator.Send(command, ct));
            return RedirectToPage(new { id = redirectTo ?? id });
        }
        catch (ValidationException ex)
        {
            ModelState.AddValidationFailures(ex, prefix);
        }
        catch (DomainRuleException ex)
        {
            // A page message, not a field one: the form posted may no longer be shown (a warning already
            // recorded, an incident resolved or at the highest tier meanwhile), and its field messages with it.
            ModelState.AddModelError(string.Empty, ex.Message);
        }
        catch (DbUpdateConcurrencyException)
        {
            // Others kept changing the incident through every retry: nothing of this form was saved.
            ModelState.AddModelError(string.Empty, Text.Get("The incident kept changing while this was saved, so nothing was saved. Look at it again and retry."));
        }

        return await ShowAsync(redirectTo ?? id, ct);
    }

    private async Task<IActionResult> ShowAsync(int id, CancellationToken ct)
    {
        Incident = await mediator.Send(new GetIncident.Query(id), ct);

        if (Incident is { Status: IncidentStatus.Merged, MergedIntoId: { } survivor })
        {
            // A merged incident is a pointer: its page is the survivor's.
            return RedirectToPage(new { id = survivor });
        }

        if (HttpMethods.IsGet(Request.Method))
        {
            // A fresh page: the follow-up starts from this incident's place and type, and both time fields from the
            // person's zone. After a refused post the forms keep what was typed instead.
            var zone = ZonePreference.Of(HttpContext);
            FollowUp = FollowUpForm.StartingFrom(Incident, zone);
            Resolve.CeasedAtZone = zone;
        }

        Duplicates = Incident.Status is IncidentStatus.Active or IncidentStatus.Resolved
            ? await mediator.Send(new FindLikelyDuplicates.Query(id), ct)
            : [];
        Now = clock.GetUtcNow().UtcDateTime;
        CanReport = (await authorization.AuthorizeAsync(User, Policies.Report)).Succeeded;
        CanSupervise = (await authorization.AuthorizeAsync(User, Policies.Supervise)).Succeeded;
        return Page();
    }

    public sealed class NoteForm
    {
        public string? Text { get; set; }
    }

    public sealed class ReasonForm
    {
        public string? Reason { get; set; }
    }

    public sealed class VerificationForm
    {
        public Verification? Status { get; set; }

        public string? Note { get; set; }
    }

    public sealed class AnswerForm
    {
        public string? Country { get; set; }

        public AcknowledgementState? State { get; set; }

        public string? Note { get; set; }
    }

    public sealed class ChecklistForm
    {
        public ChecklistItem? Item { get; set; }

        public string? Note { get; set; }
    }

    /// <summary>An early escalation names the tier it enters (the one on the button), so a late or repeated click changes nothing.</summary>
    public sealed class EscalateForm
    {
        public string? Reason { get; set; }

        public Stage? ToStage { get; set; }
    }

    /// <summary>Optional details of an action (warning issued, report verified), named as the commands' field so a validation message lands by the input.</summary>
    public sealed class DetailsForm
    {
        public string? Details { get; set; }
    }

    public sealed class WarningForm
    {
        public string? Details { get; set; }

        public string? Recipient { get; set; }

        public string? Channel { get; set; }
    }

    public sealed class ResolveForm
    {
        /// <summary>Day-month-year text, read like <see cref="ReportForm.OccurredAt"/>.</summary>
        public string? CeasedAt { get; set; }

        public TimeInputZone CeasedAtZone { get; set; } = TimeInputZone.Utc;

        public string? Reason { get; set; }
    }
}
