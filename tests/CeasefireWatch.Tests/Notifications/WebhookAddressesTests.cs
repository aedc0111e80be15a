using System.Net;
using CeasefireWatch.Tests.Infrastructure;
using CeasefireWatch.Web.Features.Notifications;

namespace CeasefireWatch.Tests.Notifications;

/// <summary>
/// A webhook is the server calling a URL a Supervisor typed: it never connects to a link-local address (where cloud
/// hosts serve instance metadata and credentials) and never follows a redirect; loopback and private receivers work.
/// </summary>
public sealed class WebhookAddressesTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("169.254.169.254", true)]
    [InlineData("169.254.0.1", true)]
    [InlineData("::ffff:169.254.169.254", true)]
    [InlineData("fe80::1", true)]
    [InlineData("fe80::a00:27ff:fe4e:66a1", true)]
    [InlineData("64:ff9b::169.254.169.254", true)]
    [InlineData("64:ff9b::a9fe:1", true)]
    [InlineData("64:ff9b:1::a9fe:a9fe", true)]
    [InlineData("64:ff9b:1:ffff:ffff::a9fe:a9fe", true)]
    [InlineData("64:ff9b:1:a9fe:00a9:fe00::", true)]
    [InlineData("64:ff9b:1:00a9:00fe:a9fe::", true)]
    [InlineData("64:ff9b:1:0:a9:fea9:fe00:0", true)]
    [InlineData("64:ff9b:1:5db8:0:d822::", false)]
    [InlineData("2002:a9fe:a9fe::1", true)]
    [InlineData("::169.254.169.254", true)]
    [InlineData("64:ff9b::93.184.216.34", false)]
    [InlineData("64:ff9b::1:a9fe:a9fe", false)]
    [InlineData("2002:5db8:d822::1", false)]
    [InlineData("2001:a9fe:a9fe::1", false)]
    [InlineData("::a9fe:a9fe:0:0", false)]
    [InlineData("127.0.0.1", false)]
    [InlineData("::1", false)]
    [InlineData("10.1.2.3", false)]
    [InlineData("192.168.0.10", false)]
    [InlineData("172.17.0.1", false)]
    [InlineData("169.255.0.1", false)]
    [InlineData("168.254.0.1", false)]
    [InlineData("93.184.216.34", false)]
    [InlineData("2001:db8::1", false)]
    public void Only_link_local_addresses_are_refused(string address, bool refused) =>
        Assert.Equal(refused, WebhookAddresses.IsRefused(IPAddress.Parse(address)));

    [Theory]
    [InlineData("http://169.254.169.254/latest/meta-data/")]
    [InlineData("http://[fe80::1]/hook")]
    public async Task The_webhook_handler_refuses_a_link_local_target_before_connecting(string target)
    {
        using var client = new HttpClient(WebhookAddresses.CreateHandler()) { Timeout = TimeSpan.FromSeconds(30) };

        var refused = await Assert.ThrowsAsync<HttpRequestException>(() => client.PostAsync(target, new StringContent("{}"), Ct));

        Assert.Contains("link-local", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_webhook_handler_reaches_a_loopback_receiver_and_does_not_follow_its_redirect()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        using var client = new HttpClient(WebhookAddresses.CreateHandler());

        using (var moved = await client.PostAsync(receiver.RedirectingUrl, new StringContent("{}"), Ct))
        {
            Assert.Equal(HttpStatusCode.TemporaryRedirect, moved.StatusCode);
            Assert.Empty(receiver.Received);
        }

        using var delivered = await client.PostAsync(receiver.Url, new StringContent("{}"), Ct);
        Assert.Equal(HttpStatusCode.OK, delivered.StatusCode);
        Assert.Single(receiver.Received);
    }

    [Fact]
    public async Task Through_a_proxy_the_target_itself_is_checked_and_an_allowed_one_goes_through_the_proxy()
    {
        // The receiver plays the proxy: a plain-http request through a proxy is sent to it whole, absolute URI and all.
        await using var proxy = await WebhookReceiver.StartAsync();
        using var client = new HttpClient(WebhookAddresses.CreateHandler(new WebProxy($"http://127.0.0.1:{proxy.Port}")));

        var refused = await Assert.ThrowsAsync<HttpRequestException>(
            () => client.PostAsync("http://169.254.169.254/hook", new StringContent("{}"), Ct));
        Assert.Contains("link-local", refused.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<HttpRequestException>(() => client.PostAsync("http://[64:ff9b::a9fe:a9fe]/hook", new StringContent("{}"), Ct));
        Assert.Empty(proxy.Received);

        using var passed = await client.PostAsync("http://192.0.2.10/hook", new StringContent("{}"), Ct);
        Assert.Equal(HttpStatusCode.OK, passed.StatusCode);
        Assert.Single(proxy.Received);

        // A name the server cannot resolve is the proxy's to resolve (behind a proxy, outside names often are).
        using var unresolved = await client.PostAsync("http://no-such-receiver.invalid/hook", new StringContent("{}"), Ct);
        Assert.Equal(HttpStatusCode.OK, unresolved.StatusCode);
        Assert.Equal(2, proxy.Received.Count);
    }
}
