using CeasefireWatch.Web.Features.Incidents;
using CeasefireWatch.Web.Features.Notifications;
using CeasefireWatch.Web.Infrastructure.Security;
using FluentValidation;
using Mediator;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CeasefireWatch.Web.Api;

/// <summary>Notification rules and the delivery log (CONTRACT.md), for supervisors; each call sends the page's mediator request.</summary>
internal static class NotificationsApi
{
    public static IEndpointRouteBuilder MapNotificationsApi(this IEndpointRouteBuilder app)
    {
        // Every call here is a supervisor's: no key is a 401, a lesser role's key a 403 (said in the OpenAPI document too).
        var api = app.MapGroup("/api").RequireAuthorization(Policies.Read).ProducesStorageAndGuessingProblems().WithTags("Notifications")
            .ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status403Forbidden);
        api.MapPost("/notification-rules", CreateRule).WithName("CreateNotificationRule").RequiresPolicyOf<CreateNotificationRule.Command>().ProducesValidationProblem()
            .WithSummary("Add a notification rule: Email or Webhook, for some tiers and oblasts (Supervisor)");
        api.MapGet("/notification-rules", ListRules).WithName("ListNotificationRules").RequiresPolicyOf<ListNotificationRules.Query>().WithSummary("The notification rules in force; webhook secrets are never shown (Supervisor)");
        api.MapGet("/notification-rules/{id:int}", GetRule).WithName("GetNotificationRule").RequiresPolicyOf<GetNotificationRule.Query>().ProducesProblem(StatusCodes.Status404NotFound)
            .WithSummary("One notification rule in force (where a new rule's Location points); 404 once deleted (Supervisor)");
        api.MapDelete("/notification-rules/{id:int}", DeleteRule).WithName("DeleteNotificationRule").RequiresPolicyOf<DeleteNotificationRule.Command>().ProducesProblem(StatusCodes.Status404NotFound)
            .WithSummary("Delete a notification rule; its pending deliveries are not sent (Supervisor)");
        api.MapGet("/notifications", ListDeliveries).WithName("ListNotificationDeliveries").RequiresPolicyOf<ListNotifications.Query>().ProducesValidationProblem()
            .WithSummary("The delivery log, newest first: { items, total } (Supervisor)");
        return app;
    }

    public static async Task<Created<NotificationRuleDto>> CreateRule(CreateNotificationRule.Command command, IMediator mediator, CancellationToken ct)
    {
        var rule = await mediator.Send(command, ct);
        return TypedResults.Created($"/api/notification-rules/{rule.Id}", rule);
    }

    public static async Task<Ok<IReadOnlyList<NotificationRuleDto>>> ListRules(IMediator mediator, CancellationToken ct) =>
        TypedResults.Ok(await mediator.Send(new ListNotificationRules.Query(), ct));

    public static async Task<Ok<NotificationRuleDto>> GetRule(int id, IMediator mediator, CancellationToken ct) =>
        TypedResults.Ok(await mediator.Send(new GetNotificationRule.Query(id), ct));

    public static async Task<NoContent> DeleteRule(int id, IMediator mediator, CancellationToken ct)
    {
        await mediator.Send(new DeleteNotificationRule.Command(id), ct);
        return TypedResults.NoContent();
    }

    /// <summary>The delivery log; page and pageSize are read by <see cref="QueryValues"/> so that one that does not parse is named.</summary>
    public static async Task<Ok<PagedResult<ListNotifications.DeliveryDto>>> ListDeliveries(
        string? page, string? pageSize, IMediator mediator, IValidator<ListNotifications.Query> validator, CancellationToken ct)
    {
        var values = new QueryValues();
        var query = new ListNotifications.Query(values.WholeNumber(page, nameof(page)), values.WholeNumber(pageSize, nameof(pageSize)));
        await values.ThrowIfInvalidAsync(query, validator, ct);
        return TypedResults.Ok(await mediator.Send(query, ct));
    }
}
