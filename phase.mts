const T = () => (performance.now() / 1000).toFixed(2);
const { loadCity } = await import('/work/main/model/index.ts');
const { VIEWS } = await import('/work/main/stacks/views.ts');
const { model } = loadCity(process.argv[2]!);
console.error('loaded', T());
const skip = process.argv[3] === 'nooffsite';
const ps = VIEWS.filter((v) => !(skip && v.name === 'offsite')).map((v) =>
  (async () => {
    const a = await v.render(model!, {});
    console.error(v.name, 'done', T());
    return a;
  })(),
);
await Promise.all(ps);
console.error('all', T());
