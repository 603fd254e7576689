/** @file Hands a file to the browser as a download (the leaderboard's CSV and Markdown, the charts' PNGs). */
export function saveFile(name: string, data: Blob | string, type = ''): void {
  const url = URL.createObjectURL(typeof data === 'string' ? new Blob([data], { type }) : data);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url)); // after the click has started the download
}
