using System.Net;
using CeasefireWatch.Tests.Infrastructure;
using CeasefireWatch.Web.Features.Dashboard;
using Mediator;
using Microsoft.Extensions.DependencyInjection;

namespace CeasefireWatch.Tests.Api;

/// <summary>
/// A failure the app did not foresee (a bug, a fault no handler names) is still answered on the API as problem details,
/// whatever the caller accepts: a 500 with the trace id to give the operator, and nothing of the exception's inside.
/// Before, the API answered it with the people's HTML error page.
/// </summary>
public sealed class UnexpectedFailureTests
{
    private const string Secret = "connection string Password=hunter2 at CeasefireWatch.Internal";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("application/json")]
    [InlineData("text/html")]
    [InlineData("text/csv")]
    public async Task An_unforeseen_exception_on_the_api_is_a_500_problem_that_tells_nothing_of_its_inside(string accept)
    {
        await using var app = new CeasefireWatchFactory
        {
            TestServices = services => services.AddSingleton<IPipelineBehavior<GetStats.Query, GetStats.Stats>, Failing>(),
        };
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/stats");
        request.Headers.Accept.ParseAdd(accept);

        using var response = await app.CreateApiClient().SendAsync(request, Ct);
        var text = await response.Content.ReadAsStringAsync(Ct);
        var problem = await Problems.AssertProblemAsync(response, HttpStatusCode.InternalServerError);

        Assert.False(string.IsNullOrEmpty(problem.GetProperty("traceId").GetString()));
        Assert.False(string.IsNullOrEmpty(problem.GetProperty("title").GetString()));
        Assert.DoesNotContain("hunter2", text, StringComparison.Ordinal);
        Assert.DoesNotContain("InvalidOperationException", text, StringComparison.Ordinal);
    }

    private sealed class Failing : IPipelineBehavior<GetStats.Query, GetStats.Stats>
    {
        public ValueTask<GetStats.Stats> Handle(
            GetStats.Query message, MessageHandlerDelegate<GetStats.Query, GetStats.Stats> next, CancellationToken cancellationToken) =>
            throw new InvalidOperationException(Secret);
    }
}
